"""The web experience: the guided report (one question per screen) and the manager's control room."""
