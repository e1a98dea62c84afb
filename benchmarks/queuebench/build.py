"""Building the benchmark's database, fast: the generated CSV goes through `putright import cases`
in chunks (each in its own process, while the next chunk is generated); then set-based SQL closes
the finished cases, allocates handlers and attaches residents, and one complaint is driven
through the service path to be the case page timed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from .generate import HANDLERS, Generator, write_chunk


def putright_command(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("putright")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "putright", *args]


def build(n: int, work: Path, chunk: int, seed: int) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    connection.close()
    timings["migrate"] = time.perf_counter() - t0

    from django.utils import timezone

    gen = Generator(timezone.localdate(), seed)
    t0 = time.perf_counter()
    gen_seconds = 0.0
    running: subprocess.Popen | None = None
    running_path: Path | None = None

    def wait() -> None:
        nonlocal running
        if running is None:
            return
        out, err = running.communicate()
        if running.returncode:
            sys.exit(f"import of {running_path} failed:\n{err[-3000:]}\n{out[-2000:]}")
        running_path.unlink()
        running = None

    for number, start in enumerate(range(0, n, chunk)):
        path = work / f"chunk{number:03d}.csv"
        g0 = time.perf_counter()
        write_chunk(gen, path, start, min(n, start + chunk))
        gen_seconds += time.perf_counter() - g0
        wait()  # SQLite has one writer: import the chunks one after the other
        running = subprocess.Popen(putright_command("import", "cases", str(path)), env=os.environ.copy(),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        running_path = path
        print(f"  chunk {number + 1}: rows {start + 1:,}–{min(n, start + chunk):,} generated, importing", flush=True)
    wait()
    timings["generate CSV (overlapped with import)"] = gen_seconds
    timings["generate + import"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    finish_database(gen.keep_open, gen.extend_later, timezone.now())
    timings["close, allocate, residents"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    rich_case(timezone.localdate())
    timings["busy case via the actions"] = time.perf_counter() - t0
    # No ANALYZE here: the import keeps the statistics itself (putright.performance), and the
    # figures are timed on what PutRight does by itself.
    for step, seconds in timings.items():
        print(f"  {step}: {seconds:.1f} s", flush=True)
    return timings


def finish_database(keep_open: list[str], extend_later: list[tuple[str, int, dt.date]], now: dt.datetime) -> None:
    """Extend, close what the import left open, allocate handlers, attach residents: set-based SQL."""
    from django.db import connection, transaction

    from putright.accounts.models import Role, User
    from putright.cases.models import Case, CaseEvent, Extension, Stage
    from putright.residents.models import Resident

    case_t, stage_t, event_t, ext_t = Case._meta.db_table, Stage._meta.db_table, CaseEvent._meta.db_table, Extension._meta.db_table
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE bench_extend (case_id bigint, number integer, new_respond_by date, PRIMARY KEY (case_id, number))")
        ids = dict(Case.objects.filter(reference__in=[r for r, _, _ in extend_later]).values_list("reference", "pk"))
        cur.executemany("INSERT INTO bench_extend (case_id, number, new_respond_by) VALUES (%s, %s, %s)",
                        [(ids[r], n, connection.ops.adapt_datefield_value(d)) for r, n, d in extend_later])
        match = f"FROM bench_extend e WHERE e.case_id = {stage_t}.case_id AND e.number = {stage_t}.number"
        cur.execute(f"UPDATE {stage_t} SET respond_by = (SELECT e.new_respond_by {match}) WHERE EXISTS (SELECT 1 {match})")
        cur.execute(
            f"INSERT INTO {ext_t} (stage_id, previous_respond_by, new_respond_by, reason, good_reason, beyond_code_limit, "
            f"ombudsman_details_given, created_at, entered_late, late_entry_reason) "
            f"SELECT s.id, s.code_respond_by, s.respond_by, 'Waiting for a survey.', '', %s, %s, %s, %s, '' "
            f"FROM {stage_t} s JOIN bench_extend e ON e.case_id = s.case_id AND e.number = s.number",
            [False, True, now, False],
        )
        cur.execute(
            f"UPDATE {case_t} SET next_deadline_by = (SELECT s.respond_by FROM {stage_t} s WHERE s.case_id = {case_t}.id "
            f"AND s.number = CASE WHEN {case_t}.state = 'stage2_acknowledged' THEN 2 ELSE 1 END) "
            f"WHERE state IN ('stage1_acknowledged', 'stage2_acknowledged') AND id IN (SELECT case_id FROM bench_extend)"
        )
        cur.execute("DROP TABLE bench_extend")

        cur.execute("CREATE TEMPORARY TABLE bench_keep_open (reference varchar(40) PRIMARY KEY)")
        cur.executemany("INSERT INTO bench_keep_open (reference) VALUES (%s)", [(r,) for r in keep_open])
        # Finished cases are closed on the day of their last response (or when received).
        cur.execute(
            f"UPDATE {case_t} SET previous_state = state, state = 'closed', is_open = %s, next_deadline_by = NULL, "
            f"closed_on = COALESCE((SELECT MAX(s.responded_on) FROM {stage_t} s WHERE s.case_id = {case_t}.id), received_on) "
            f"WHERE state IN ('open', 'stage1_responded', 'stage2_responded') "
            f"AND reference NOT IN (SELECT reference FROM bench_keep_open)",
            [False],
        )
        cur.execute(
            f"INSERT INTO {event_t} (case_id, {q('at')}, actor_id, actor_label, kind, summary, data) "
            f"SELECT id, %s, NULL, 'benchmark', 'closed', 'Closed.', %s FROM {case_t} WHERE state = 'closed'",
            [now, "{}"],
        )
        cur.execute("DROP TABLE bench_keep_open")

        me = User(username="bench-handler", first_name="Bench", last_name="Handler", role=Role.HANDLER)
        me.set_unusable_password()
        me.save()
        others = [User(username=f"handler{i:02d}", first_name=f"Handler {i:02d}", role=Role.HANDLER, password="!") for i in range(1, HANDLERS)]
        User.objects.bulk_create(others)
        ids = [me.pk] + list(User.objects.filter(username__startswith="handler").order_by("pk").values_list("pk", flat=True))
        first_case = Case.objects.order_by("pk").values_list("pk", flat=True).first()
        # Handlers in turn (the bench handler is one of them), a tenth of cases unallocated: one
        # pass over the table, not one per handler.
        cur.execute("CREATE TEMPORARY TABLE bench_handlers (position integer PRIMARY KEY, user_id bigint)")
        cur.executemany("INSERT INTO bench_handlers (position, user_id) VALUES (%s, %s)", list(enumerate(ids)))
        cur.execute(
            f"UPDATE {case_t} SET handler_id = (SELECT h.user_id FROM bench_handlers h WHERE h.position = {case_t}.id %% {len(ids)}) "
            f"WHERE kind <> 'compliment' AND (id %% 10) <> 3",
            [],  # with parameters, so %% means %
        )
        cur.execute("DROP TABLE bench_handlers")

        total = Case.objects.count()
        # Each with a phone number, postcode, tenancy reference and UPRN for the search to find,
        # the phone written with spaces as people do.
        residents = [
            Resident(
                name=f"Resident {i:07d}", email=f"resident{i}@example.org", tenure="lcra", address=f"{i} Long Street\nTown",
                phone=f"07700 {i:06d}", postcode=f"LS{1 + i % 30} {i % 10}{'ABDEFGHJ'[i % 8]}{'LNPQRSTU'[i // 8 % 8]}",
                tenancy_reference=f"T{i:07d}", uprn=str(100_000_000_000 + i),
            )
            for i in range(total // 5 + 1)
        ]
        Resident.objects.bulk_create(residents, batch_size=5000)
        first_resident = Resident.objects.order_by("pk").values_list("pk", flat=True).first()
        cur.execute(
            f"UPDATE {case_t} SET resident_id = %s + (id - %s) / 5 WHERE ((id - %s) %% 5) = 0",
            [first_resident, first_case, first_case],
        )


def rich_case(today: dt.date) -> str:
    """One complaint with a long timeline, through the service path like a real one."""
    from decimal import Decimal

    from putright.accounts.models import User
    from putright.cases import actions
    from putright.cases.actions import PointDecision
    from putright.cases.calendar import landlord_calendar
    from putright.cases.models import ServiceArea, Theme
    from putright.residents.models import Resident
    from putright.rules.lifecycle import Decision, Kind

    cal = landlord_calendar()
    me = User.objects.get(username="bench-handler")
    received = today - dt.timedelta(days=45)
    case = actions.log_case(
        kind=Kind.COMPLAINT, received_on=received, description="Damp and mould in the bedroom for months.",
        resident=Resident.objects.order_by("pk").first(), handler=me, actor=me,
        service_area=ServiceArea.objects.first(), themes=list(Theme.objects.all()[:3]), today=today,
    )
    ack = cal.add_working_days(received, 2)
    case = actions.acknowledge(case, acknowledged_on=ack, definition="Damp and mould not treated.", outcomes_sought="Treat it.",
                               responsible_for="The repair.", actor=me, today=ack)  # each step recorded on its day
    stage = case.current_stage
    case = actions.respond(case, responded_on=cal.add_working_days(ack, 5), points=[
        PointDecision(f"Point {i}", Decision.UPHELD, "We were late.") for i in range(3)], actor=me, today=cal.add_working_days(ack, 5))
    case = actions.request_stage_two(case, requested_on=cal.add_working_days(ack, 7), reason="Still damp.", actor=me, today=today)
    ack2 = cal.add_working_days(ack, 8)
    stage2_handler = User.objects.get(username="handler01")  # nobody who acted on stage 1 (6.13)
    case = actions.acknowledge(case, acknowledged_on=ack2, definition="Still damp.", outcomes_sought="Treat it properly.",
                               handler=stage2_handler, actor=stage2_handler, today=ack2)
    stage = case.current_stage
    case = actions.extend(case, new_respond_by=cal.add_working_days(stage.respond_by, 10), reason="Survey needed.",
                          resident_told_on=min(today, stage.respond_by), ombudsman_details_given=True, update_every_working_days=5,
                          actor=stage2_handler, today=min(today, stage.respond_by))
    for i in range(40):
        day = received + dt.timedelta(days=i % 30)
        actions.add_correspondence(case, direction=["in", "out", "note"][i % 3], occurred_on=min(day, today), subject=f"Letter {i}",
                                   body="Thank you for your letter.\nWe will visit.", correspondent="The resident", actor=me, today=today)
    for i in range(3):
        actions.add_remedy(case, kind="financial", description=f"Compensation {i}", amount=Decimal("100.00"), payment_method="money",
                           due_by=today + dt.timedelta(days=14), actor=me, today=today)
        action = actions.add_action(case, description=f"Treat the mould, room {i}", due_by=today + dt.timedelta(days=7 * (i + 1)), owner=me, actor=me)
        for j in range(2):
            actions.update_action(action, given_on=today, note=f"Visit booked ({j}).", actor=me, today=today)
    return case.reference
