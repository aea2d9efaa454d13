"""Roles and the line of supervision: the one place that maps BPMN lanes to roles.

A lane's name *is* the role that performs its user tasks (README, "Konvensi BPMN").
The line of supervision for escalation is Prakom -> Kasubbag -> Sekretaris -> Ketua
(``shared/domain.md``; Permenpan RB 35/2012 names the Pelaksana per step, the office's
structure gives the supervisor).
"""

from difflib import get_close_matches

SUPERVISION_CHAIN = ("Prakom", "Kasubbag", "Sekretaris", "Ketua")

# Actors that some SOPs name beside the four of the chain, with the role that supervises
# them inside the office. Outside parties are followed up by the unit's Kasubbag.
FURTHER_ROLES = {
    "Pemohon": "Kasubbag",
    "Bidang Terkait": "Kasubbag",
    "Panitera": "Ketua",
    "Redaktur": "Kasubbag",
    "Pihak Ketiga": "Kasubbag",
}

KNOWN_ROLES = SUPERVISION_CHAIN + tuple(FURTHER_ROLES)


def supervisor_of(role: str) -> str | None:
    """Return the role that supervises ``role``, or None at the top of the chain.

    Raises:
        KeyError: ``role`` is not one of ``KNOWN_ROLES``.
    """
    if role in FURTHER_ROLES:
        return FURTHER_ROLES[role]
    index = SUPERVISION_CHAIN.index(role) if role in SUPERVISION_CHAIN else None
    if index is None:
        raise KeyError(role)
    return SUPERVISION_CHAIN[index + 1] if index + 1 < len(SUPERVISION_CHAIN) else None


def role_named(text: str) -> str | None:
    """The known role that ``text`` names whatever its case, spaces at its ends and
    underscores for spaces (``"prakom"``, ``"bidang_terkait"``, as typed in an address
    or a file), or None."""
    wanted = text.strip().replace("_", " ").casefold()
    return next((known for known in KNOWN_ROLES if known.casefold() == wanted), None)


# Roles as an office's staff list writes them in full (a Jabatan Fungsional's title, the
# head of a sub-section), for the role meant.
TITLES = {"pranata komputer": "Prakom", "kepala subbagian": "Kasubbag",
          "kepala sub bagian": "Kasubbag", "kepala sub-bagian": "Kasubbag"}


def meant_role(text: str) -> str | None:
    """The known role an unknown ``text`` most likely means: its full title ("Pranata
    Komputer" is Prakom) or a near spelling ("Sekertaris", "Kasubag", as many offices write
    them); None when neither."""
    title = TITLES.get(" ".join(text.split()).casefold())
    if title:
        return title
    # In any case, as a role is taken ("prakon" is Prakom too: the regression probe).
    folded = {role.casefold(): role for role in KNOWN_ROLES}
    found = get_close_matches(" ".join(text.replace("_", " ").split()).casefold(), folded,
                              n=1, cutoff=0.75)
    return folded[found[0]] if found else None


def username_for(role: str) -> str:
    """The demo user name for ``role``: lower case, spaces as underscores."""
    return role.lower().replace(" ", "_")


def line_above(role: str) -> list[str]:
    """The roles above ``role`` along the line of supervision, nearest first (``[]`` at the
    top, or for a role not in ``KNOWN_ROLES``): those its steps escalate to, level 2 up
    (README, "Eskalasi")."""
    above: list[str] = []
    current = role if role in KNOWN_ROLES else None
    while current is not None and len(above) < len(KNOWN_ROLES):
        current = supervisor_of(current)
        if current is not None:
            above.append(current)
    return above
