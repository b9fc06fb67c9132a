"""The simulated cloud's credentials. They are public demo values, documented in README and printed by
``paitui sim serve``; they grant nothing anywhere but here."""

from __future__ import annotations

from dataclasses import dataclass

from paitui.sim.world import DEMO_USER, TEST_USER, User


@dataclass(frozen=True, slots=True)
class KeyPair:
    access_key_id: str
    access_key_secret: str
    user: User
    read_only: bool = False
    security_token: str | None = None  # set for STS pairs: the token must accompany the key


DEMO_ACCESS_KEY_ID = "LTAI5tPaiTuiDemoKey01"
DEMO_ACCESS_KEY_SECRET = "PaiTuiDemoSecretNotForRealUse01"
DEMO_STS_ACCESS_KEY_ID = "STS.NTPaiTuiDemo01"
DEMO_STS_ACCESS_KEY_SECRET = "PaiTuiDemoStsSecret01"
DEMO_STS_TOKEN = "CAISPaiTuiDemoSecurityToken01"
DEMO_BEARER_TOKEN = "pt-PaiTuiDemoBearerToken01"
# a RAM user allowed to read only: every mutating call answers Forbidden.RAM
READONLY_ACCESS_KEY_ID = "LTAI5tPaiTuiReadOnly01"
READONLY_ACCESS_KEY_SECRET = "PaiTuiReadOnlySecret01"

KEY_PAIRS: dict[str, KeyPair] = {
    DEMO_ACCESS_KEY_ID: KeyPair(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET, DEMO_USER),
    DEMO_STS_ACCESS_KEY_ID: KeyPair(DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET, DEMO_USER,
                                    security_token=DEMO_STS_TOKEN),
    READONLY_ACCESS_KEY_ID: KeyPair(READONLY_ACCESS_KEY_ID, READONLY_ACCESS_KEY_SECRET, DEMO_USER, read_only=True),
    # the inputs of shared/api/signing-vectors.json, so the vectors' requests verify here too
    "testid": KeyPair("testid", "testsecret", TEST_USER),
}
BEARER_TOKENS: dict[str, User] = {DEMO_BEARER_TOKEN: DEMO_USER}
