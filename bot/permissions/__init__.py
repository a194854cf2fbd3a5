"""Permission forms: yes/no per child, not anonymous, with a deadline; photo consent."""
