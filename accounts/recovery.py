"""Recovery codes are kept as keyed hashes, never as the codes (issue 15's weak spot).

django-otp's static tokens are compared as stored; the application stores `recovery_code_key(code)` in
their place and hashes what a person types the same way before comparing. A copy of the database
then holds no code that signs anyone in: without the secret key the hashes cannot be tried offline.
The key is the project's SECRET_KEY (with its own salt): rotating it invalidates the codes, as it
invalidates sessions; people then make new ones on the two-factor page.
"""

from django.utils.crypto import salted_hmac

SALT = "accounts.recovery_code"
# django-otp's StaticToken.token holds 16 characters: 64 bits of the HMAC, for codes of 40 bits.
KEY_LENGTH = 16


def normalised(code: str) -> str:
    """Recovery codes are printed in groups and read back in any case."""
    return "".join(code.split()).replace("-", "").lower()


def recovery_code_key(code: str) -> str:
    return salted_hmac(SALT, normalised(code), algorithm="sha256").hexdigest()[:KEY_LENGTH]


def is_authenticator_code(code: str) -> bool:
    """The authenticator app's six digits; anything else is read as a recovery code."""
    return len(code) == 6 and code.isdigit()
