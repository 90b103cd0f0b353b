"""The TOTP code of a base32 secret, as an authenticator app shows it, computed by PyPI's pyotp
(not Plenum's code): `python totp_code.py SECRET [SECONDS_FROM_NOW]`. The journeys call it to
enrol staff and to sign in with them."""

import sys
import time

import pyotp

secret = sys.argv[1].replace(" ", "")
offset = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print(pyotp.TOTP(secret).at(time.time() + offset))
