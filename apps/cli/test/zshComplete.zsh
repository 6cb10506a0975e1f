# Complete a line in a real interactive zsh (compinit, the completion script loaded) and write each candidate the
# completion system offered to a file, one a line: zsh -f zshComplete.zsh <script> <out file> <line before TAB>.
# The shell runs in a pseudo-terminal (zsh/zpty); compadd is wrapped to record what it adds. The markers are
# typed split by quotes so that the terminal's echo of the typed text does not match them.
zmodload zsh/zpty || exit 3
script=$1 out=$2 line=$3
zpty shell zsh -f -i
zpty -w shell "PS1='' RPROMPT=''; autoload -Uz compinit && compinit -u -D"
zpty -w shell "compadd() { if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd \"\$@\"; return; fi; local -a hits; builtin compadd -A hits \"\$@\"; print -rl -- \$hits >> ${(q)out} }"
zpty -w shell "complete-and-mark() { zle complete-word; print -n __comp''leted__ }; zle -N complete-and-mark; bindkey '^I' complete-and-mark"
zpty -w shell "source ${(q)script}; print __rea''dy__"
zpty -r -m shell reply '*__ready__*' || exit 4
zpty -w -n shell "$line"$'\t'
zpty -r -m shell reply '*__completed__*' || exit 5
zpty -d shell
