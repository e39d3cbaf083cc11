"""An SMTP server on loopback that asks for a login (AUTH PLAIN / LOGIN, without TLS) and
refuses or accepts it, writing each password it was offered to a file, one per line.

    python3 smtp_auth.py refuse|accept PORT OFFERED_FILE
"""

import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

mode, port, offered = sys.argv[1], int(sys.argv[2]), sys.argv[3]


class Handler:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    with open(offered, "a", encoding="utf-8") as out:
        out.write(auth_data.password.decode("utf-8", "replace") + "\n")
    return AuthResult(success=mode == "accept", handled=False)


controller = Controller(
    Handler(),
    hostname="127.0.0.1",
    port=port,
    authenticator=authenticator,
    auth_require_tls=False,
)
controller.start()
threading.Event().wait()
