"""Signing in: failure limits on passwords, reset mail and API tokens (counted in the database),
the second factor for engineers and managers (django-otp: TOTP and recovery codes), and the pages
for both."""
