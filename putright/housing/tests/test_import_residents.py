"""`putright import residents FILE`: all or nothing, every problem by line number."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from putright.housing.models import Home, ResidentHome
from putright.residents.models import Adjustment, Resident

HEADER = "tenancy_reference,name,email,uprn,address,postcode,tenure,preferred_channel,adjustment_kind,adjustment_description,adjustment_agreed_on,adjustment_review_by\n"


def _import(tmp_path, text):
    path = tmp_path / "residents.csv"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("import", "residents", str(path), stdout=out, stderr=err)
    finally:
        _import.err = err.getvalue()
    return out.getvalue()


def test_it_imports_residents_and_their_homes(db, tmp_path):
    out = _import(tmp_path, HEADER
                  + "T-1,Rita Patel,rita@example.org,100023336956,1 River Row,AB1 2CD,lcra,phone,vulnerability,Lives alone,2026-11-02,2027-02-02\n"
                  + "T-2,Sam Jones,,,,,lcho,email,,,,\n")
    assert "2 resident(s) added, 0 updated" in out
    rita = Resident.objects.get(tenancy_reference="T-1")
    assert (rita.tenure, rita.preferred_channel) == ("lcra", "phone")
    assert ResidentHome.objects.get(resident=rita).home == Home.objects.get(uprn="100023336956")
    assert Adjustment.objects.get(resident=rita).kind == "vulnerability"
    # Importing the same file again changes nothing and adds nothing.
    assert "0 resident(s) added, 2 updated" in _import(tmp_path, HEADER
                  + "T-1,Rita Patel,rita@example.org,100023336956,1 River Row,AB1 2CD,lcra,phone,vulnerability,Lives alone,2026-11-02,2027-02-02\n"
                  + "T-2,Sam Jones,,,,,lcho,email,,,,\n")
    assert Resident.objects.count() == 2 and Adjustment.objects.count() == 1


def test_one_bad_row_imports_nothing_and_every_problem_is_listed(db, tmp_path):
    with pytest.raises(CommandError, match="3 problems: nothing imported"):
        _import(tmp_path, HEADER
                + "T-1,Rita Patel,rita@example.org,100023336956,1 River Row,AB1 2CD,lcra,phone,,,,\n"
                + "T-2,Sam Jones,not-an-email,,,,,,,,,\n"
                + "T-3,,,,,,,,,,,\n"
                + "T-1,Rita Again,,,,,,,,,,\n")
    assert _import.err.splitlines() == [
        "line 3: email: 'not-an-email' is not an email address.",
        "line 4: name: Enter the resident's name.",
        "line 5: tenancy_reference T-1 is also on line 2: one row per resident",
    ]
    assert not Resident.objects.exists() and not Home.objects.exists()


def test_it_refuses_unknown_columns(db, tmp_path):
    with pytest.raises(CommandError):
        _import(tmp_path, "tenancy_reference,name,shoe_size\nT-1,Rita,9\n")
    assert "unknown column(s): shoe_size" in _import.err
