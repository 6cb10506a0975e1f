window.__pareDashboard = true;
