"""The manager's control room: what is open, due and overdue in the departments they answer for."""
