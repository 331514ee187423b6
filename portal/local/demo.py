"""Demo data for local mode: realistic postings, teams, demo accounts and a few applications.

Deterministic (a fixed random seed), so every `make run` shows the same portal, with dates relative to today.
"""
from __future__ import annotations

import datetime
import random
import re
from decimal import Decimal

from ulid import ULID

from portal import clock, geo
from portal.accounts.models import ADMIN, RECRUITER, Account, Team
from portal.accounts.services import hash_password
from portal.applications.models import Application, Contact, Location, Preferences
from portal.postings.models import HYBRID, ONSITE, PUBLISHED, REMOTE, Address, Posting

DEMO_PASSWORD = "portal-demo"
DEMO_ACCOUNTS = [
    ("admin@example.com", "Alex Admin", ADMIN, []),
    ("recruiter@example.com", "Riley Recruiter", RECRUITER, ["customer-service", "fulfillment-west"]),
]
TEAMS = [
    Team("customer-service", "Customer service"),
    Team("fulfillment-east", "Fulfillment East"),
    Team("fulfillment-west", "Fulfillment West"),
    Team("seasonal", "Seasonal hiring"),
]

# Fulfilment sites: (code, street, city, state, ZIP, team). ZIPs are real; positions come from the offline dataset.
SITES = [
    ("PHX3", "4750 W Mohave St", "Phoenix", "AZ", "85043", "fulfillment-west"),
    ("ONT2", "2020 E Mission Blvd", "Ontario", "CA", "91761", "fulfillment-west"),
    ("SMF1", "4900 W Elkhorn Blvd", "Sacramento", "CA", "95837", "fulfillment-west"),
    ("DEN2", "24208 E 19th Ave", "Aurora", "CO", "80019", "fulfillment-west"),
    ("JAX4", "13333 Lannie Rd", "Jacksonville", "FL", "32218", "fulfillment-east"),
    ("ORL1", "9901 Boggy Creek Rd", "Orlando", "FL", "32824", "fulfillment-east"),
    ("ATL3", "6855 Shannon Pkwy", "Union City", "GA", "30291", "fulfillment-east"),
    ("CHI5", "2865 Breen Dr", "Joliet", "IL", "60436", "fulfillment-east"),
    ("IND2", "715 Airtech Pkwy", "Indianapolis", "IN", "46241", "fulfillment-east"),
    ("LOU1", "376 Zappos Dr", "Shepherdsville", "KY", "40165", "fulfillment-east"),
    ("BAL2", "2010 Broening Hwy", "Baltimore", "MD", "21224", "fulfillment-east"),
    ("DTW1", "32801 Ecorse Rd", "Romulus", "MI", "48174", "fulfillment-east"),
    ("MSP1", "2601 4th Ave E", "Shakopee", "MN", "55379", "fulfillment-west"),
    ("EWR4", "50 New Canton Way", "Robbinsville", "NJ", "08691", "fulfillment-east"),
    ("CLT2", "10240 Old Dowd Rd", "Charlotte", "NC", "28214", "fulfillment-east"),
    ("CMH1", "6050 Gateway Ct", "Columbus", "OH", "43217", "fulfillment-east"),
    ("HAR3", "675 Allen Rd", "Carlisle", "PA", "17015", "fulfillment-east"),
    ("MEM1", "3292 E Holmes Rd", "Memphis", "TN", "38118", "fulfillment-east"),
    ("DFW7", "700 Westport Pkwy", "Dallas", "TX", "75241", "fulfillment-west"),
    ("HOU2", "10550 Ella Blvd", "Houston", "TX", "77032", "fulfillment-west"),
    ("SEA6", "20526 59th Pl S", "Kent", "WA", "98032", "fulfillment-west"),
    ("RIC2", "1901 Meadowville Technology Pkwy", "Chester", "VA", "23836", "fulfillment-east"),
    ("PDX9", "4775 NE Sundial Rd", "Troutdale", "OR", "97060", "fulfillment-west"),
    ("LAS2", "3837 Bay Lake Trl", "North Las Vegas", "NV", "89115", "fulfillment-west"),
    ("SLC1", "777 N 5600 W", "Salt Lake City", "UT", "84116", "fulfillment-west"),
]

# Customer-service hubs for hybrid roles (some home days, some office days: not TELECOMMUTE).
HUBS = [
    ("TPE1", "1150 W Washington St", "Tempe", "AZ", "85281"),
    ("TPA1", "4300 W Cypress St", "Tampa", "FL", "33607"),
    ("SAT1", "8000 IH-10 W", "San Antonio", "TX", "78229"),
    ("BNA1", "500 11th Ave N", "Nashville", "TN", "37203"),
]

FC_ROLES = [
    ("Sortation Associate", "sort packages by destination on a conveyor line and build pallets for outbound trucks"),
    ("Consolidation Associate", "bring items from several orders together, check them against the manifest and prepare them for packing"),
    ("Picker", "walk or ride a cart through the aisles with a handheld scanner and pick items for customer orders"),
    ("Packer", "choose the right box, pack orders securely and label them for shipping"),
    ("Stower", "scan incoming inventory and stow it in the right bin so it can be found again"),
    ("Dock Associate", "unload inbound trailers, scan pallets and keep the dock safe and clear"),
    ("Inventory Associate", "count stock, resolve discrepancies and keep the inventory system accurate"),
]
FC_SHIFT_PATTERNS = [
    (["day"], "Day shift: 7:00 am to 5:30 pm, four days a week."),
    (["night"], "Night shift: 6:30 pm to 5:00 am, with a night-shift differential."),
    (["weekend"], "Weekend shift: Friday to Sunday, three long days."),
    (["early", "day"], "Early and day shifts: starts between 4:30 am and 7:00 am."),
    (["evening", "weekend"], "Evening and weekend shifts: 4:00 pm to 10:30 pm, including Saturdays."),
    (["day", "night", "weekend"], "Rotating day, night and weekend shifts, set a month ahead."),
]
CS_ROLES = [
    ("Customer Service Associate", "help customers by chat and phone with orders, deliveries and returns"),
    ("Customer Support Specialist", "resolve account and billing questions by e-mail and chat"),
    ("Returns Support Associate", "guide customers through returns and refunds and follow up until they are settled"),
    ("Seller Support Associate", "help small businesses that sell on our marketplace with listings and payments"),
    ("Bilingual Customer Service Associate (Spanish)", "support Spanish- and English-speaking customers by phone and chat"),
]
SEASONAL_ROLES = [
    ("Holiday Fulfillment Associate", "pick, pack and ship during our busiest season"),
    ("Seasonal Sortation Associate", "sort the holiday surge of parcels on day or night lines"),
    ("Seasonal Customer Service Associate", "answer customer questions from home during the holidays"),
    ("Peak Season Delivery Station Associate", "load delivery vans and stage packages in the early morning"),
]
PROGRAMME_SETS = [
    ["tuition"],
    ["tuition", "technical-training"],
    ["apprenticeship", "technical-training"],
    ["tuition", "apprenticeship", "technical-training"],
    ["technical-training"],
]
ALL_STATES = [abbr for abbr, _ in geo.state_choices() if abbr != "DC"]

FIRST_NAMES = ["Maria", "James", "Aisha", "Wei", "Carlos", "Emily", "Darnell", "Priya", "Tom", "Fatima", "Luis",
               "Hannah", "Kofi", "Sofia", "Jamal", "Grace", "Mateo", "Olivia", "Ahmed", "Chloe"]
LAST_NAMES = ["Garcia", "Johnson", "Nguyen", "Okafor", "Smith", "Patel", "Rivera", "Chen", "Williams", "Brown",
              "Kim", "Lopez", "Davis", "Hassan", "Martinez", "Wilson"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _address(street, city, state, zip_code) -> Address:
    place = geo.lookup_zip(zip_code)
    if place is None or place.state != state:
        raise ValueError(f"demo site ZIP {zip_code} is not in {state}")
    return Address(street, city, state, zip_code, Decimal(str(place.lat)), Decimal(str(place.lon)))


def _pay(rng: random.Random, low: float, high: float) -> tuple[Decimal, Decimal]:
    start = Decimal(str(round(rng.uniform(low, high) * 4) / 4)).quantize(Decimal("0.01"))
    return start, start + Decimal(rng.choice(["0.00", "1.00", "1.50", "2.00", "3.00"]))


def _description(summary: str, extra: str, benefits: int, programmes: list[str]) -> str:
    return (
        f"In this role you will {summary}. {extra}\n\n"
        f"No experience is needed: paid training starts on day one. Benefits (medical, dental, vision and a 401(k) "
        f"match) start from {benefits} hours a week.\n\n"
        "We welcome military spouses, veterans, students, parents and carers, and we make reasonable "
        "accommodations throughout hiring and on the job."
    )


def demo_postings(today: datetime.date, count: int = 240) -> list[Posting]:
    rng = random.Random(2026)
    postings: list[Posting] = []
    now = clock.iso(clock.now())

    def add(n, title, summary, extra, workplace, category, team, types, hours, shifts, pay, site="", address=None,
            states=()):
        posted = today - datetime.timedelta(days=rng.randint(0, 40))
        programmes = rng.choice(PROGRAMME_SETS)
        where = address.city if address else "remote"
        postings.append(
            Posting(
                id=f"{_slug(title)}-{_slug(where)}-{n:04d}",
                title=title,
                description=_description(summary, extra, 20, programmes),
                employment_types=types,
                workplace=workplace,
                category=category,
                team=team,
                hours_min=hours[0],
                hours_max=hours[1],
                shifts=shifts,
                pay_min=pay[0],
                pay_max=pay[1],
                pay_unit="HOUR",
                benefits_hours=20,
                programmes=programmes,
                site=site,
                address=address,
                remote_states=sorted(states),
                status=PUBLISHED,
                date_posted=posted.isoformat(),
                valid_through=(posted + datetime.timedelta(days=rng.randint(45, 75))).isoformat(),
                created_at=now,
                updated_at=now,
            )
        )

    for n in range(count):
        group = n % 12
        if group < 6:  # fulfilment centres: half of all postings
            code, street, city, state, zip_code, team = rng.choice(SITES)
            title, summary = rng.choice(FC_ROLES)
            shifts, extra = rng.choice(FC_SHIFT_PATTERNS)
            full = rng.random() < 0.5
            add(n, title, summary, extra, ONSITE, "fulfillment", team, ["FULL_TIME"] if full else ["PART_TIME"],
                (40, 40) if full else rng.choice([(20, 29), (20, 30), (12, 19), (24, 32)]), shifts,
                _pay(rng, 17.0, 23.5), site=f"{city} fulfillment centre {code}",
                address=_address(street, city, state, zip_code))
        elif group < 10:  # customer service: remote, with a few hybrid hubs
            title, summary = rng.choice(CS_ROLES)
            full = rng.random() < 0.45
            hours = (40, 40) if full else rng.choice([(20, 29), (20, 25), (25, 30), (15, 20)])
            shifts = sorted(rng.sample(["early", "day", "evening", "weekend"], rng.randint(1, 3)))
            if group == 9 and rng.random() < 0.5:
                code, street, city, state, zip_code = rng.choice(HUBS)
                add(n, title, summary, "Hybrid: three days at home, two at the hub, equipment provided.", HYBRID,
                    "customer-service", "customer-service", ["FULL_TIME"] if full else ["PART_TIME"], hours, shifts,
                    _pay(rng, 16.0, 21.0), site=f"{city} support hub {code}",
                    address=_address(street, city, state, zip_code))
            else:
                states = rng.sample(ALL_STATES, rng.randint(12, 38))
                add(n, title, summary, "Work from home: we send a laptop and headset; you need a quiet space and "
                    "wired internet.", REMOTE, "customer-service", "customer-service",
                    ["FULL_TIME"] if full else ["PART_TIME"], hours, shifts, _pay(rng, 15.0, 20.5), states=states)
        else:  # seasonal
            title, summary = rng.choice(SEASONAL_ROLES)
            hours = rng.choice([(20, 40), (12, 30), (30, 40)])
            if "Customer Service" in title:
                add(n, title, summary, "Seasonal, from home, through mid-January.", REMOTE, "seasonal", "seasonal",
                    ["TEMPORARY", "PART_TIME"], hours, ["day", "evening", "weekend"], _pay(rng, 16.0, 19.0),
                    states=rng.sample(ALL_STATES, rng.randint(15, 40)))
            else:
                code, street, city, state, zip_code, _ = rng.choice(SITES)
                shifts, extra = rng.choice(FC_SHIFT_PATTERNS)
                add(n, title, summary, f"Seasonal through January. {extra}", ONSITE, "seasonal", "seasonal",
                    ["TEMPORARY"], hours, shifts, _pay(rng, 18.0, 24.0), site=f"{city} fulfillment centre {code}",
                    address=_address(street, city, state, zip_code))
    return postings


def demo_applications(postings: list[Posting], today: datetime.date, count: int = 60) -> list[Application]:
    """Applications received over the last two weeks, with fixed ids so that seeding again rewrites the same ones."""
    rng = random.Random(7)
    out = []
    midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.timezone.utc)
    for n in range(count):
        posting = rng.choice(postings)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if posting.address:
            zip_code, state = posting.address.zip, posting.address.state
        else:
            state = rng.choice(posting.remote_states)
            zip_code = _STATE_ZIPS[state]
        low = rng.choice([12, 15, 20, 25, 30])
        received = midnight - datetime.timedelta(minutes=rng.randint(60, 14 * 24 * 60))
        app_id = str(ULID.from_bytes(int(received.timestamp() * 1000).to_bytes(6, "big") + rng.randbytes(10)))
        out.append(Application(
            id=app_id,
            submission_id=app_id,
            posting_id=posting.id,
            posting_title=posting.title,
            team=posting.team,
            contact=Contact(f"{first} {last}", f"{first}.{last}{n}@example.com".lower(), f"+1206555{1000 + n:04d}",
                            rng.choice(["email", "phone", "text"])),
            location=Location(zip_code, state),
            preferences=Preferences(low, min(40, low + rng.choice([0, 5, 10, 20])),
                                    sorted(rng.sample(posting.shifts, max(1, len(posting.shifts) - 1))),
                                    posting.workplace),
            created_at=clock.iso(received),
            updated_at=clock.iso(received),
        ))
    return out


# One real ZIP code per state, for demo applicants of remote roles.
_STATE_ZIPS = {"AL": "35203", "AK": "99501", "AZ": "85004", "AR": "72201", "CA": "94103", "CO": "80202",
               "CT": "06103", "DE": "19801", "FL": "33130", "GA": "30303", "HI": "96813", "ID": "83702",
               "IL": "60601", "IN": "46204", "IA": "50309", "KS": "66603", "KY": "40202", "LA": "70112",
               "ME": "04101", "MD": "21201", "MA": "02108", "MI": "48226", "MN": "55401", "MS": "39201",
               "MO": "63101", "MT": "59601", "NE": "68102", "NV": "89101", "NH": "03301", "NJ": "07102",
               "NM": "87102", "NY": "10001", "NC": "27601", "ND": "58102", "OH": "43215", "OK": "73102",
               "OR": "97204", "PA": "19103", "RI": "02903", "SC": "29201", "SD": "57104", "TN": "37203",
               "TX": "78701", "UT": "84111", "VT": "05401", "VA": "23219", "WA": "98101", "WV": "25301",
               "WI": "53202", "WY": "82001"}


def seed_demo(runtime, today: datetime.date | None = None) -> dict:
    """Write the demo teams, accounts, postings and applications that are not there yet; returns how many of each
    the demo has.

    Idempotent: what exists is left exactly as it is (a demo application the pipeline screened keeps its stage,
    version and counters; an account keeps its id, so its audit log still opens), and running it again writes
    nothing, so the stream carries nothing for the pipeline to count twice.
    """
    today = today or clock.now().date()
    accounts = runtime.accounts
    known_teams = {t.id for t in accounts.list_teams()}
    for team in TEAMS:
        if team.id not in known_teams:
            accounts.put_team(team)
    missing_accounts = [entry for entry in DEMO_ACCOUNTS if accounts.get(entry[0]) is None]
    if missing_accounts:
        password_hash = hash_password(DEMO_PASSWORD)
        for email, name, role, teams in missing_accounts:
            accounts.put(Account(email, name, role, teams, password_hash, demo=True))
    postings = demo_postings(today)
    present = {p.id for p in runtime.postings.get_many([p.id for p in postings])}
    runtime.postings.put_many([p for p in postings if p.id not in present])
    demo_apps = demo_applications(postings, today)
    present = set(runtime.applications.get_many([a.id for a in demo_apps]))
    runtime.applications.put_many([a for a in demo_apps if a.id not in present])
    return {"postings": len(postings), "applications": len(demo_apps), "accounts": len(DEMO_ACCOUNTS)}
