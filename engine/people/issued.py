"""A temporary password as its owner types it after hearing it read out: "k7wp-3mzt-9qra-h2xd"
typed as "K7WP 3MZT 9QRA H2XD" or "k7wp3mzt9qrah2xd" is the password issued (found by the
regression probe: each such try was refused, and counted towards the login limit)."""

from engine.people.accounts import PASSWORD_LETTERS

GROUPS, GROUP = 4, 4  # ``accounts.generate_password``'s shape


def as_issued(typed: str) -> str | None:
    """The temporary password ``typed`` stands for, written as ``accounts.generate_password``
    writes it: lower case, spaces and dashes dropped, a dash put back after every
    ``GROUP`` letters. None when ``typed`` is already written so, or is no such password
    (not ``GROUPS`` × ``GROUP`` of ``PASSWORD_LETTERS``)."""
    letters = "".join(typed.lower().split()).replace("-", "")
    if len(letters) != GROUPS * GROUP or set(letters) - set(PASSWORD_LETTERS):
        return None
    issued = "-".join(letters[start:start + GROUP] for start in range(0, len(letters), GROUP))
    return None if issued == typed else issued
