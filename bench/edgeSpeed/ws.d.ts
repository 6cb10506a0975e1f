// The part of the `ws` package (it has no bundled types) that cpuProfile.ts uses.
declare module 'ws' {
  export default class WebSocket {
    constructor(url: string);
    on(event: 'message', listener: (data: { toString(): string }) => void): this;
    once(event: 'open', listener: () => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
    send(data: string): void;
    close(): void;
  }
}
