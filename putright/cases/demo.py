"""Demo data: a landlord, a user for each role, residents and cases in every state.

Every case is made through the service path (`actions`), exactly as staff would make it, so the
demo's timelines, deadlines and flags are real. Random but repeatable (a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from putright.accounts.models import Role, User
from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import (
    Case,
    Channel,
    ClosureDay,
    HomesOwned,
    LandlordSettings,
    PaymentMethod,
    RemedyKind,
    ServiceArea,
    Theme,
)
from putright.residents.models import Adjustment, AdjustmentKind, ConsentHow, Format, Representative, Resident, Tenure
from putright.rules.lifecycle import Decision, Kind

PASSWORD = "putright-demo"

USERS = [
    ("admin", "Ada", "Okafor", Role.ADMINISTRATOR),
    ("manager", "Maya", "Reid", Role.MANAGER),
    ("handler", "Hari", "Shah", Role.HANDLER),
    ("olu", "Olu", "Adeyemi", Role.HANDLER),
    ("jess", "Jess", "Morgan", Role.HANDLER),
    ("oversight", "Owen", "Price", Role.OVERSIGHT),
]

SERVICE_AREAS = [
    "Repairs", "Damp and mould", "Gas servicing", "Planned works", "Lettings", "Rent and income",
    "Estate services", "Anti-social behaviour", "Customer services", "Leasehold", "Voids", "Adaptations",
]
THEMES = [
    "Communication", "Time taken", "Quality of work", "Staff conduct", "Missed appointment",
    "Repairs not completed", "Contractor conduct", "Policy or procedure", "Charges", "Noise",
    "Cleaning", "Information given", "Damp and mould", "Health and safety",
]
FIRST = ["Aisha", "Ben", "Carol", "Dev", "Ellen", "Femi", "Grace", "Harry", "Ines", "Jack", "Kiran", "Lena",
         "Mo", "Nora", "Owen", "Priya", "Quinn", "Rosa", "Stan", "Tara", "Umar", "Vera", "Will", "Yusuf", "Zoe"]
LAST = ["Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones", "Khan",
        "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quigley", "Roberts", "Singh", "Taylor", "Walsh", "Young"]
STREETS = ["Mill Lane", "Station Road", "Church Street", "Park View", "Riverside Court", "Elm Grove", "Tower House"]
COMPLAINTS = [
    ("Damp and mould", "There is black mould in the back bedroom again. I reported it in the spring and nobody came.",
     ["Damp and mould", "Repairs not completed", "Time taken"]),
    ("Repairs", "The kitchen tap has leaked for six weeks. Two appointments were missed without a call.",
     ["Missed appointment", "Communication", "Time taken"]),
    ("Gas servicing", "The engineer left the boiler cover off and mud all over the hall carpet.",
     ["Contractor conduct", "Quality of work"]),
    ("Anti-social behaviour", "I keep reporting the noise from the flat above and I am never told what happens.",
     ["Noise", "Communication"]),
    ("Rent and income", "My rent account shows arrears that I have already paid. The letter frightened me.",
     ["Charges", "Information given"]),
    ("Estate services", "The communal stairs have not been cleaned for a month and the lights are out.",
     ["Cleaning", "Health and safety"]),
    ("Customer services", "I was kept on hold for an hour and then cut off three times.",
     ["Communication", "Staff conduct"]),
    ("Planned works", "The new windows were fitted badly and there is a draught round every frame.",
     ["Quality of work", "Repairs not completed"]),
    ("Lettings", "I was told I would be offered a ground floor flat because of my knees but nothing has happened.",
     ["Policy or procedure", "Information given"]),
    ("Leasehold", "My service charge went up by 40% with no explanation of what it pays for.",
     ["Charges", "Information given"]),
    ("Adaptations", "The grab rails promised by occupational therapy in March are still not fitted.",
     ["Time taken", "Repairs not completed"]),
    ("Voids", "The flat I moved into had no working heating and rubbish left in the garden.",
     ["Quality of work", "Health and safety"]),
]
REQUESTS = [
    ("Repairs", "Please can someone look at the front door lock, it sticks."),
    ("Repairs", "Bathroom extractor fan has stopped working."),
    ("Damp and mould", "Condensation on the bedroom windows every morning, starting to see mould."),
    ("Estate services", "Fly-tipping by the bin store on the estate."),
    ("Gas servicing", "No hot water since yesterday."),
    ("Rent and income", "Can I change the date my rent is paid?"),
]
COMPLIMENTS = [
    ("Repairs", "The plumber was brilliant, tidy and explained everything."),
    ("Customer services", "Thank you to the lady on the phone who sorted my rent query so kindly."),
    ("Estate services", "The estate looks lovely since the new gardening team started."),
]


class Demo:
    def __init__(self, today: dt.date, seed: int = 2024, scale: int = 1):
        self.today = today
        self.rng = random.Random(seed)
        self.scale = scale
        self.counts: dict[str, int] = {}

    # 1. the landlord and its reference data
    def landlord(self) -> None:
        settings = LandlordSettings.load()
        settings.name = "Riverside Homes (demo)"
        settings.complaints_email = "complaints@riverside-homes.example"
        settings.complaints_phone = "0300 123 4567"
        settings.save()
        for name in SERVICE_AREAS:
            ServiceArea.objects.get_or_create(name=name)
        for name in THEMES:
            Theme.objects.get_or_create(name=name)
        for year in range(self.today.year - 3, self.today.year + 1):
            for day in (28, 29, 30, 31):
                d = dt.date(year, 12, day)
                if d.weekday() < 5:
                    ClosureDay.objects.get_or_create(day=d, defaults={"label": "Offices closed between Christmas and New Year"})
        for year in range(self.today.year - 3, self.today.year + 1):
            HomesOwned.objects.get_or_create(year=year, defaults={"lcra": 8200 + 40 * (year % 10), "lcho": 650})

    # 2. staff
    def users(self) -> None:
        for username, first, last, role in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "role": role}
            )
            if created:
                user.set_password(PASSWORD)
                user.email = f"{username}@riverside-homes.example"
                user.save()
        self.handlers = list(User.objects.filter(role__in=[Role.HANDLER, Role.MANAGER]).order_by("username"))
        self.manager = next(u for u in self.handlers if u.role == Role.MANAGER)

    def governance(self) -> None:
        """The complaints roles named since two years ago (4.1, 9.4, 9.5), and the governing body's
        receipt of last year's annual report with its response (8.2)."""
        from putright.governance import actions as governance
        from putright.reports import periods

        since = self.today - dt.timedelta(days=730)
        for kind, name, title in (("complaints_officer", "The Complaints Team", "Customer Resolution"),
                                  ("senior_lead", "Priya Shah", "Director of Housing Services"),
                                  ("member_responsible", "Tom Okafor", "Board member")):
            governance.appoint(kind, name=name, job_title=title, starts_on=since, actor=self.manager, today=self.today)
        last_year = periods.quarter_of(self.today)[0] - 1
        received = periods.reporting_year(last_year).end + dt.timedelta(days=70)
        if received <= self.today:
            governance.record_receipt(year=last_year, received_on=received, meeting="Board meeting", actor=self.manager, today=self.today,
                                      response="The board welcomes the report, and asks for a plan to answer more stage 1 complaints on time.")

    # 3. residents
    def residents(self, n: int) -> list[Resident]:
        rng = self.rng
        made = []
        for i in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            resident = Resident.objects.create(
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower().replace(chr(39), '')}{i}@example.org",
                phone=f"07700 9{rng.randrange(10000, 99999)}",
                address=f"{rng.randrange(1, 120)} {rng.choice(STREETS)}, Riverside",
                postcode=f"RV{rng.randrange(1, 9)} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                tenancy_reference=f"T{100000 + i}",
                tenure=Tenure.LCHO if rng.random() < 0.08 else Tenure.LCRA,
                preferred_channel=rng.choice(["email", "email", "phone", "letter", "text"]),
                preferred_format=Format.LARGE_PRINT if rng.random() < 0.04 else Format.STANDARD,
            )
            if rng.random() < 0.12:
                Adjustment.objects.create(
                    resident=resident,
                    kind=rng.choice(list(AdjustmentKind)),
                    description=rng.choice([
                        "Hard of hearing: please write or email rather than phone.",
                        "Uses a wheelchair: appointments on the ground floor only.",
                        "Anxiety: call ahead before visits and keep to the time given.",
                        "Dyslexia: short letters in plain English, and a call to go through them.",
                    ]),
                    agreed_on=self.today - dt.timedelta(days=rng.randrange(30, 500)),
                    review_by=self.today + dt.timedelta(days=rng.randrange(-30, 180)),
                )
            if rng.random() < 0.05:
                rep = Representative.objects.create(
                    resident=resident,
                    name=f"{rng.choice(FIRST)} {last}",
                    relationship=rng.choice(["daughter", "son", "advocate", "support worker"]),
                    email=f"rep{i}@example.org",
                    consent_given_on=self.today - dt.timedelta(days=rng.randrange(30, 400)),
                )
                rep.consent_verified_on, rep.consent_how = rep.consent_given_on, ConsentHow.IN_WRITING
                rep.save(update_fields=["consent_verified_on", "consent_how"])
            made.append(resident)
        return made

    def _count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def _after(self, day: dt.date, low: int, high: int) -> dt.date:
        return self.cal.add_working_days(day, self.rng.randint(low, high))

    # 4. cases, each walked through the Code's steps as far as today allows
    def cases(self, residents: list[Resident], complaints: int, requests: int, compliments: int) -> None:
        self.cal = landlord_calendar()
        areas = {a.name: a for a in ServiceArea.objects.all()}
        themes = {t.name: t for t in Theme.objects.all()}
        start = dt.date(self.today.year - 2, 4, 1)
        span = (self.today - start).days
        rng = self.rng
        for _ in range(complaints):
            # A fifth arrived in the last six weeks, so the queue has plenty open now.
            recent = rng.random() < 0.2
            received = self.today - dt.timedelta(days=rng.randrange(42)) if recent else start + dt.timedelta(days=rng.randrange(span))
            resident = rng.choice(residents)
            area, words, theme_names = rng.choice(COMPLAINTS)
            with transaction.atomic():
                self._complaint(resident, received, areas[area], [themes[t] for t in theme_names], words)
        for _ in range(requests):
            area, words = rng.choice(REQUESTS)
            received = start + dt.timedelta(days=rng.randrange(span))
            case = actions.log_case(
                kind=Kind.SERVICE_REQUEST, received_on=received, description=words, channel=rng.choice(["phone", "online", "email"]),
                resident=rng.choice(residents), service_area=areas[area], today=self.today,
            )
            closed_on = self._after(received, 1, 15)
            if closed_on <= self.today and rng.random() < 0.85:
                actions.close(case, closed_on=closed_on, today=self.today)
            elif rng.random() < 0.3:
                actions.convert_to_complaint(
                    case, received_on=min(self.today, self._after(received, 5, 10)),
                    description="I am unhappy with how long this is taking and nobody calls me back.",
                    channel="phone", today=self.today,
                )
            self._count("service requests")
        for _ in range(compliments):
            area, words = rng.choice(COMPLIMENTS)
            received = start + dt.timedelta(days=rng.randrange(span))
            case = actions.log_case(
                kind=Kind.COMPLIMENT, received_on=received, description=words, channel="email",
                resident=rng.choice(residents), service_area=areas[area], today=self.today,
            )
            actions.close(case, closed_on=received, today=self.today)
            self._count("compliments")

    def _complaint(self, resident, received, area, themes, words) -> None:
        rng, today = self.rng, self.today
        handler = rng.choice(self.handlers)
        case = actions.log_case(
            kind=Kind.COMPLAINT, received_on=received, description=words,
            channel=rng.choice([c for c in Channel.values if c not in ("representative", "colleague")]),
            resident=resident, representative=resident.representatives.first(), service_area=area,
            themes=themes, handler=handler, actor=handler, today=today,
        )
        roll = rng.random()
        if roll < 0.04:
            on = self._after(received, 1, 4)
            if on <= today:
                actions.refuse(
                    case, refused_on=on, reason="legal_proceedings", proceedings_started_on=received - dt.timedelta(days=30),
                    explanation="A claim about the same disrepair has been filed at court, so the court will decide it.",
                    ombudsman_rights_given=True, actor=self.manager, today=on,
                )
                self._sent(case, "refusal", on, self.manager)
                self._count("refused")
                return
        if roll > 0.975:
            on = self._after(received, 1, 6)
            if on <= today:
                actions.withdraw(case, withdrawn_on=on, reason="The resident says the repair is now done.", actor=handler, today=today)
                self._count("withdrawn")
                return
        # Stage 1: mostly on time; a few late; the newest may not be acknowledged yet (some overdue).
        # Some recent complaints stall, so the demo queue shows overdue cases.
        stall = received > today - dt.timedelta(days=42) and rng.random() < 0.35
        ack = self._after(received, 1, 4) if rng.random() < 0.93 else self._after(received, 6, 9)
        if ack > today or (stall and rng.random() < 0.5):
            self._count("stage 1 awaiting acknowledgement")
            return
        actions.acknowledge(
            case, acknowledged_on=ack, definition=f"You are unhappy that: {words}",
            outcomes_sought="The problem put right, and an apology for the time it has taken.",
            responsible_for="The repair and how we kept you informed.",
            not_responsible_for="" if rng.random() < 0.8 else "Your contents insurance claim, which is for your insurer.",
            handler=handler, actor=handler, today=ack,
        )
        stage = case.stages.get(number=1)
        respond_on = self._after(ack, 3, 10) if rng.random() < 0.9 else self._after(ack, 11, 14)
        if rng.random() < 0.12:
            told = min(today, self._after(ack, 5, 8))
            new_date = self.cal.add_working_days(stage.code_respond_by, rng.randint(4, 10))
            actions.extend(
                case, new_respond_by=new_date,
                reason="We need a surveyor's report on the cause of the damp before we can answer.",
                resident_told_on=told, update_every_working_days=5, actor=handler, today=told,
            )
            self._sent(case, "extension", told, handler)
            respond_on = self._after(ack, 11, 10 + self.cal.working_days_between(stage.code_respond_by, new_date))
            self._count("extended at stage 1")
        if respond_on > today or stall:
            self._count("stage 1 investigating")
            return
        decision = rng.choices([Decision.UPHELD, Decision.PARTLY_UPHELD, Decision.NOT_UPHELD], [4, 3, 3])[0]
        actions.respond(
            case, responded_on=respond_on, actor=handler, today=respond_on,
            points=[actions.PointDecision(words, decision, "We checked the repair history, spoke to the contractor and visited the home.")],
        )
        if respond_on < today - dt.timedelta(days=3) or rng.random() < 0.5:
            self._sent(case, "response", respond_on, handler)
        else:
            self._count("response recorded, letter not sent")
        if decision != Decision.NOT_UPHELD:
            actions.add_remedy(case, kind=RemedyKind.APOLOGY, description="A written apology in the response.", completed_on=respond_on, actor=handler, today=today)
            if rng.random() < 0.5:
                amount = Decimal(rng.choice([25, 50, 75, 100, 150, 250]))
                due = self._after(respond_on, 5, 10)
                remedy = actions.add_remedy(
                    case, kind=RemedyKind.FINANCIAL, description="Compensation for the time and trouble caused.",
                    amount=amount, payment_method=rng.choice(list(PaymentMethod)), due_by=due, actor=handler, today=today,
                )
                if due <= today and rng.random() < 0.9:
                    actions.complete_remedy(remedy, completed_on=due, actor=handler, today=today)
            if rng.random() < 0.4:
                due = self._after(respond_on, 10, 30)
                action = actions.add_action(case, description="Complete the outstanding repair and inspect it afterwards.", due_by=due, owner_name="Repairs team", actor=handler)
                if due <= today and rng.random() < 0.8:
                    actions.complete_action(action, completed_on=due, actor=handler, today=today)
        # Stage 2 for some.
        if rng.random() < 0.18:
            asked = self._after(respond_on, 1, 15)
            if asked <= today:
                actions.request_stage_two(case, requested_on=asked, actor_label=f"{resident.name} (resident)", today=today)
                s2_handler = rng.choice([h for h in self.handlers if h != handler])
                ack2 = self._after(asked, 1, 5)
                if ack2 > today:
                    self._count("stage 2 awaiting acknowledgement")
                    return
                actions.acknowledge(
                    case, acknowledged_on=ack2, definition=f"You remain unhappy that: {words}",
                    outcomes_sought="A review of the stage 1 decision.", responsible_for="The repair and our communication.",
                    handler=s2_handler, actor=s2_handler, today=ack2,
                )
                final = self._after(ack2, 8, 20) if rng.random() < 0.9 else self._after(ack2, 21, 25)
                if final > today:
                    self._count("stage 2 investigating")
                    return
                actions.respond(
                    case, responded_on=final, actor=s2_handler, today=final,
                    points=[actions.PointDecision(words, rng.choice(list(Decision)), "A senior manager reviewed the file and the stage 1 decision.")],
                )
                self._sent(case, "response", final, s2_handler)
                respond_on = final
                self._count("stage 2 answered")
        close_on = self._after(respond_on, 10, 20)
        if close_on <= today:
            actions.close(case, closed_on=close_on, actor=handler, today=today)
            self._count("closed")
        else:
            self._count("answered, not yet closed")


    def _sent(self, case: Case, step: str, on: dt.date, actor) -> None:
        """Issue the step as sent by email on its own date, with its text (issue 12, item 6: a
        step counts once it is sent). The demo records the equivalent sent another way rather
        than rendering a PDF letter for each of hundreds of steps; a few recent responses are
        left unsent, so the case page shows "response recorded, letter not sent"."""
        text = {
            "response": "Our response to your complaint, with our decision and the reasons for it. If you are not happy, "
                        "you can ask us to take it to stage 2, or contact the Housing Ombudsman on 0300 111 3000.",
            "extension": "We need more time to answer your complaint: we are waiting for a surveyor's report. You can contact "
                         "the Housing Ombudsman on 0300 111 3000 at any time.",
            "refusal": "We cannot accept your complaint because the court is deciding the same matter. You can ask the "
                       "Housing Ombudsman to look at this decision: 0300 111 3000.",
        }[step]
        actions.send_another_way(case, step=step, sent_on=on, method="email", text=text, actor=actor, today=on)


def build_demo(*, today: dt.date | None = None, residents: int = 300, complaints: int = 260, requests: int = 120, compliments: int = 40) -> Demo:
    demo = Demo(today or timezone.localdate())
    with transaction.atomic():
        demo.landlord()
        demo.users()
        demo.governance()
        people = demo.residents(residents)
    demo.cases(people, complaints, requests, compliments)
    from putright.ombudsman.demo import build_ombudsman_demo  # Ombudsman cases, learning, safeguards (8.5, 5.10, 5.14)

    build_ombudsman_demo(demo)
    from putright.hazards.demo import build_hazard_demo  # Awaab's Law: hazards in every state

    for state, n in build_hazard_demo(demo).items():
        demo.counts[f"hazard: {state}"] = n
    return demo


def demo_present() -> bool:
    return Case.objects.exists() and User.objects.filter(username="manager").exists()
