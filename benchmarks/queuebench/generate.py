"""The benchmark's cases, as CSV rows in the interchange format: a realistic mix received over
ten years (about 65% complaints, 30% service requests, 5% compliments; most closed, about 5% open,
some overdue, extended or at stage 2). Seeded, so a seed gives the same rows every time."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SERVICE_AREAS = [
    "Repairs", "Damp and mould", "Anti-social behaviour", "Rent and service charges", "Lettings",
    "Estate services", "Gas safety", "Customer service", "Major works", "Leasehold", "Tenancy management",
    "Grounds maintenance",
]
THEMES = [
    "Communication", "Delay", "Staff conduct", "Missed appointment", "Quality of work", "Noise",
    "Heating", "Water leak", "Pest control", "Cleaning", "Parking", "Safety", "Accessibility",
    "Charges", "Record keeping", "Contractor", "Adaptations", "Lift", "Windows", "Security",
]
CHANNELS = ["phone", "email", "letter", "in_person", "online", "social_media", "representative", "colleague", ""]
DECISIONS = ["upheld", "partly_upheld", "not_upheld"]
REASONS = ["over_12_months", "legal_proceedings", "previously_considered", "other"]
HANDLERS = 20
YEARS = 10



class Generator:
    """Rows in the interchange format. Every date is on or before `today`, so the import accepts
    every row. Cases that should end closed but that the format cannot close (service requests,
    compliments and answered complaints) are closed after the import; those that should stay open
    are listed in `keep_open`."""

    def __init__(self, today: dt.date, seed: int):
        from putright.rules.calendar import WorkingCalendar

        self.today = today
        self.rng = random.Random(seed)
        self.cal = WorkingCalendar()
        self.keep_open: list[str] = []
        # The import refuses an extension to a date after today (it reads history), so extensions
        # still running are applied after it: (reference, stage number, new respond-by date).
        self.extend_later: list[tuple[str, int, dt.date]] = []

    def extension(self, row: dict, number: int, day: dt.date) -> None:
        if day <= self.today:
            row[f"stage{number}_extended_to"] = day.isoformat()
        else:
            self.extend_later.append((row["reference"], number, day))

    def wd(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return self.cal.add_working_days(day, self.rng.randint(lo, hi))

    def row(self, i: int) -> dict[str, str]:
        from putright.rules import deadlines

        rng, today = self.rng, self.today
        received = today - dt.timedelta(days=rng.randrange(1, YEARS * 365))
        age = (today - received).days
        # Open: most of the last ten weeks' cases, and a backlog of older ones.
        is_open = rng.random() < (0.7 if age <= 70 else 0.032)
        roll = rng.random()
        kind = "complaint" if roll < 0.65 else "service_request" if roll < 0.95 else "compliment"
        reference = f"BEN-{i + 1:07d}"
        row = {
            "reference": reference,
            "kind": kind,
            "received_on": received.isoformat(),
            "service_area": rng.choice(SERVICE_AREAS),
            "tenure": rng.choice(["lcra", "lcra", "lcra", "lcho", ""]),
            "channel": rng.choice(CHANNELS),
            "themes": ";".join(rng.sample(THEMES, rng.randint(0, 3))),
            "description": f"Resident reported a problem ({i}): the repair was booked, missed and booked again.",
        }
        if kind != "complaint":
            if is_open:
                self.keep_open.append(reference)
            elif rng.random() < 0.05:
                withdrawn = self.wd(received, 0, 10)
                row["withdrawn_on"] = min(withdrawn, today).isoformat()
            return row

        # How far the complaint has got: open ones stop part way (old open ones are stuck, so
        # overdue, or answered and waiting to be closed); closed ones went to the end.
        if is_open:
            stop = rng.choice(["logged", "acknowledged", "acknowledged", "responded", "requested", "acknowledged2", "responded2"])
            if age > 70 and stop in ("responded", "responded2") and rng.random() < 0.3:
                stop = "acknowledged"
        else:
            reach = rng.random()
            if reach < 0.05:
                row["refused_on"] = min(self.wd(received, 1, 5), today).isoformat()
                row["refusal_reason"] = rng.choice(REASONS)
                return self.explained(row)
            stop = "withdrawn" if reach < 0.08 else "responded2" if reach > 0.8 else "responded"

        ack = self.wd(received, 0, 7)
        if ack > today:
            return self.finish(row, reference, received, "logged", is_open)
        row["stage1_acknowledged_on"] = ack.isoformat()
        code = deadlines.timescales(1, received, ack, self.cal).respond_by.due_on
        self.code_dates = {1: code}
        respond_by = code
        if rng.random() < 0.12:
            respond_by = self.cal.add_working_days(code, rng.randint(3, 14))  # some beyond the cap of 10
            self.extension(row, 1, respond_by)
        if stop in ("logged", "acknowledged"):
            return self.finish(row, reference, received, stop, is_open, strip=stop == "logged")
        if stop == "withdrawn":
            row["withdrawn_on"] = min(self.wd(ack, 0, 5), today).isoformat()
            return row
        resp = self.cal.add_working_days(ack, rng.randint(3, 14))
        if resp > respond_by and rng.random() < 0.5:
            resp = respond_by
        if resp > today:
            return self.finish(row, reference, received, "acknowledged", is_open)
        row["stage1_responded_on"] = resp.isoformat()
        row["stage1_decision"] = rng.choice(DECISIONS)
        if rng.random() < 0.25:
            row["compensation_gbp"] = f"{rng.randint(25, 1500)}.{rng.choice(['00', '50'])}"
        if stop == "responded":
            return self.finish(row, reference, received, stop, is_open)
        req = self.wd(resp, 1, 20)
        if req > today:
            return self.finish(row, reference, received, "responded", is_open)
        row["stage2_requested_on"] = req.isoformat()
        if not is_open and rng.random() < 0.1:
            row["refused_on"] = min(self.wd(req, 1, 5), today).isoformat()
            row["refusal_reason"] = rng.choice(REASONS)
            return self.explained(row)
        ack2 = self.wd(req, 1, 7)
        if stop == "requested" or ack2 > today:
            return self.finish(row, reference, received, "requested", is_open)
        row["stage2_acknowledged_on"] = ack2.isoformat()
        code2 = deadlines.timescales(2, req, ack2, self.cal).respond_by.due_on
        self.code_dates[2] = code2
        if rng.random() < 0.15:
            self.extension(row, 2, self.cal.add_working_days(code2, rng.randint(5, 25)))
        resp2 = self.cal.add_working_days(ack2, rng.randint(10, 28))
        if stop == "acknowledged2" or resp2 > today:
            return self.finish(row, reference, received, "acknowledged2", is_open)
        row["stage2_responded_on"] = resp2.isoformat()
        row["stage2_decision"] = rng.choice(DECISIONS)
        return self.finish(row, reference, received, "responded2", is_open)

    @staticmethod
    def explained(row: dict) -> dict:
        """A refusal says why and gives the Ombudsman's details: the import requires both of a
        refusal less than 12 months old (issue 12). Draws no random numbers, so the data stays
        what the same seed gave before."""
        row["refusal_explanation"] = "Refused under our complaints policy; our letter explains why."
        row["refusal_ombudsman_rights_given"] = "yes"
        return row

    def finish(self, row, reference, received, stop, is_open, strip=False):
        if strip:
            for column in ("stage1_acknowledged_on", "stage1_extended_to"):
                row.pop(column, None)
        if not is_open and stop not in ("responded", "responded2"):
            # Meant to be finished but its steps would fall after today: it was withdrawn.
            last = max(dt.date.fromisoformat(v) for k, v in row.items() if k.endswith("_on") and v)
            row["withdrawn_on"] = last.isoformat()
        elif is_open and stop in ("responded", "responded2"):
            self.keep_open.append(reference)
        if is_open and stop in ("acknowledged", "requested", "acknowledged2"):
            self.within_cap(row, 1 if stop == "acknowledged" else 2)
        return row

    def within_cap(self, row: dict, number: int) -> None:
        """A stage still awaiting its response imports only with an extension the Code allows
        (10 working days at stage 1, 20 at stage 2: issue 12); history keeps its late ones."""
        code = self.code_dates.get(number)
        if code is None:
            return
        cap = self.cal.add_working_days(code, 10 if number == 1 else 20)
        column = f"stage{number}_extended_to"
        if row.get(column) and dt.date.fromisoformat(row[column]) > cap:
            row[column] = cap.isoformat()
        if self.extend_later and self.extend_later[-1][:2] == (row["reference"], number):  # added by this row
            self.extend_later[-1] = (row["reference"], number, min(self.extend_later[-1][2], cap))


def write_chunk(gen: Generator, path: Path, start: int, stop: int) -> None:
    from putright.cases.interchange import COLUMNS

    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS, restval="")
        writer.writeheader()
        for i in range(start, stop):
            writer.writerow(gen.row(i))
