"""Human review of machine translations by people the school trusts (issue 19)."""
