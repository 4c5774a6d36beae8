"""What leaves the dashboard: chart images, table files and board packs, always with small numbers suppressed."""
