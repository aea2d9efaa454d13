"""People: who holds a role, Plh/Plt substitution (UU 30/2014 Pasal 14), and the access
policy (``access``), the one answer to "may this user see or act on ...". May import the
kernel only.
"""
