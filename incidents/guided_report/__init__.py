"""The guided report: one question per screen, the sent mail read into it, and the "what to do now" card."""
