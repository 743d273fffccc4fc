"""CI smoke: sign in to a running `make run` with the first demo account its log printed, then the second factor.

Usage: signin.py BASE_URL MAKE_RUN_LOG. Exits non-zero unless the home page answers 200 to the signed-in user.
"""

import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

base, log = sys.argv[1], Path(sys.argv[2]).read_text()
password = re.search(r"password for all: (\S+)\):", log).group(1)
username = re.search(r"^  (\S+) ", log[log.index("password for all") :], re.MULTILINE).group(1)
jar = http.cookiejar.CookieJar()
browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def post(url: str, fields: dict[str, str]):
    """POSTs a form with the CSRF cookie's token; redirects followed."""
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    return browser.open(urllib.request.Request(url, data=data))  # noqa: S310 - our own http://127.0.0.1


login = browser.open(f"{base}/accounts/login/")  # noqa: S310 - our own http://127.0.0.1
assert login.status == 200, login.status
page = post(login.geturl(), {"username": username, "password": password})
assert urllib.parse.urlparse(page.geturl()).path == "/accounts/two-factor/verify/", page.geturl()
print(f"{username}: password accepted, second factor asked")
code = subprocess.run(  # noqa: S603 - our own manage.py
    [sys.executable, "manage.py", "demo_totp", username], capture_output=True, text=True, check=True
).stdout.strip()
home = post(page.geturl(), {"token": code})
assert home.status == 200 and not urllib.parse.urlparse(home.geturl()).path.startswith("/accounts/"), home.geturl()
print(f"{username}: signed in, {home.geturl()} answers {home.status}")
