"""Hiring appointments: slots recruiters open, and the bookings applicants make."""
