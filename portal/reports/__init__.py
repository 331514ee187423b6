"""Reports for recruiters and admins: the dashboard of a team or a posting, and the aggregate EEO report."""
