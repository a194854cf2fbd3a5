"""Parent-teacher meeting slots ("oudercontact"): plans, bookings, reminders, the overview."""
