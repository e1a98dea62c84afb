"""django-axes and single sign-on.

Axes locks a username from an address after repeated failures. A single sign-on answer carries
no username when Axes looks (the provider says who it is afterwards), so every refusal there
(someone with no role yet, a switched-off account) would count against "no username" from the
office's shared address, and after five of them lock everyone in that office out of single
sign-on. So Axes leaves the callback alone (AXES_WHITELIST_CALLABLE); it still writes the
sign-in log for a successful one, and failures there are throttled by address in
putright/sso/views.py (`sign-in-address`, as for passwords).
"""

from __future__ import annotations


def is_single_sign_on(request, credentials) -> bool:
    return bool(credentials) and "nonce" in credentials and "code_verifier" in credentials
