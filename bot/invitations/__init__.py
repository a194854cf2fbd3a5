"""Invitations to informal meetings: templates, RSVP, reminders, calendar, changes."""
