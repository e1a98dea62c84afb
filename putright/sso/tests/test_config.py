"""The group-to-role mapping and the second-factor claims, without a provider."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from putright.sso import config


def test_it_maps_groups_to_the_role_that_may_do_most(settings):
    settings.PUTRIGHT_OIDC_ROLE_MAP = "staff-all=oversight, complaints-team=handler,complaints-leads=manager"
    assert config.role_for(["complaints-team", "staff-all"]) == "handler"
    assert config.role_for(["complaints-leads", "complaints-team"]) == "manager"
    assert config.role_for(["finance"]) == ""
    assert config.role_for([]) == ""
    assert config.role_for("staff-all") == "oversight"


def test_it_reads_keycloak_paths_and_entra_object_ids(settings):
    settings.PUTRIGHT_OIDC_ROLE_MAP = '{"/putright/admins": "administrator", "4a3c7c1e-0000-4000-8000-000000000001": "handler"}'
    assert config.role_for(["/putright/admins"]) == "administrator"
    assert config.role_for(["4a3c7c1e-0000-4000-8000-000000000001"]) == "handler"


@pytest.mark.parametrize("raw, message", [
    ("complaints=boss", "'boss' (for group 'complaints') is not a role"),
    ("complaints", "'complaints' should be GROUP=ROLE"),
])
def test_a_wrong_mapping_is_refused_in_plain_words(settings, raw, message):
    settings.PUTRIGHT_OIDC_ROLE_MAP = raw
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        config.role_map()


def test_only_the_configured_amr_or_acr_counts_as_a_second_factor(settings):
    settings.PUTRIGHT_OIDC_MFA_AMR = "mfa"
    settings.PUTRIGHT_OIDC_MFA_ACR = ""
    assert config.shows_second_factor({"amr": ["pwd", "mfa"]})
    assert not config.shows_second_factor({"amr": ["pwd"]})
    assert not config.shows_second_factor({})
    assert not config.shows_second_factor({"acr": "urn:keycloak:2fa"})
    settings.PUTRIGHT_OIDC_MFA_ACR = "urn:keycloak:2fa, gold"
    assert config.shows_second_factor({"acr": "gold"})
