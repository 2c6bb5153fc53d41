"""Who works at Acme's support desk and who writes to it: teammates, customers, their cities and companies."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoTeammate:
    name: str
    email: str
    role: str
    timezone: str
    locale: str
    teams: tuple[str, ...]


TEAM_NAMES = ("Product", "Revenue", "Reliability")

TEAMMATES = (
    DemoTeammate("Olivia Bennett", "owner@acme.test", "owner", "America/New_York", "en-US", ("Revenue",)),
    DemoTeammate("Marcus Chen", "marcus@acme.test", "admin", "America/Los_Angeles", "en-US", ("Product",)),
    DemoTeammate(
        "Priya Raman", "priya@acme.test", "agent", "America/Los_Angeles", "en-US", ("Reliability", "Product")
    ),
    DemoTeammate("Jamal Wright", "jamal@acme.test", "agent", "America/New_York", "en-US", ("Revenue",)),
    DemoTeammate("Sofia Novak", "sofia@acme.test", "agent", "Europe/Berlin", "de", ("Reliability",)),
    DemoTeammate("Luca Moretti", "luca@acme.test", "agent", "Europe/Dublin", "en-IE", ("Product", "Revenue")),
)

# A new hire the owner invited two days ago, who has not set a password yet (the settings show "invited").
INVITED = DemoTeammate("Hana Sato", "hana@acme.test", "agent", "Asia/Tokyo", "en-US", ())


@dataclass(frozen=True)
class DemoCity:
    name: str
    timezone: str
    locale: str


CITIES = (
    DemoCity("New York", "America/New_York", "en-US"),
    DemoCity("Boston", "America/New_York", "en-US"),
    DemoCity("Toronto", "America/Toronto", "en-CA"),
    DemoCity("Chicago", "America/Chicago", "en-US"),
    DemoCity("Austin", "America/Chicago", "en-US"),
    DemoCity("Denver", "America/Denver", "en-US"),
    DemoCity("San Francisco", "America/Los_Angeles", "en-US"),
    DemoCity("Seattle", "America/Los_Angeles", "en-US"),
    DemoCity("Vancouver", "America/Vancouver", "en-CA"),
    DemoCity("Mexico City", "America/Mexico_City", "es-MX"),
    DemoCity("São Paulo", "America/Sao_Paulo", "pt-BR"),
    DemoCity("London", "Europe/London", "en-GB"),
    DemoCity("Dublin", "Europe/Dublin", "en-IE"),
    DemoCity("Paris", "Europe/Paris", "fr"),
    DemoCity("Berlin", "Europe/Berlin", "de"),
    DemoCity("Amsterdam", "Europe/Amsterdam", "nl"),
    DemoCity("Madrid", "Europe/Madrid", "es"),
    DemoCity("Stockholm", "Europe/Stockholm", "sv"),
    DemoCity("Warsaw", "Europe/Warsaw", "pl"),
    DemoCity("Belgrade", "Europe/Belgrade", "sr-Latn"),
    DemoCity("Cape Town", "Africa/Johannesburg", "en-ZA"),
    DemoCity("Bangalore", "Asia/Kolkata", "en-IN"),
    DemoCity("Singapore", "Asia/Singapore", "en-SG"),
    DemoCity("Tokyo", "Asia/Tokyo", "ja"),
    DemoCity("Sydney", "Australia/Sydney", "en-AU"),
)

FIRST_NAMES = (
    "Emma", "Liam", "Noah", "Ava", "Mia", "Ethan", "Sophia", "Lucas", "Isabella", "Mateo", "Chloe", "Oliver",
    "Amara", "Kenji", "Yuki", "Aarav", "Diya", "Ananya", "Wei", "Mei", "Jae-won", "Hana", "Fatima", "Omar",
    "Youssef", "Leila", "Ingrid", "Lars", "Freya", "Mikael", "Zofia", "Jakub", "Milica", "Nikola", "Stefan",
    "Camille", "Louis", "Chiara", "Giulia", "Pablo", "Lucía", "Valentina", "Thiago", "Beatriz", "Kwame",
    "Ama", "Thandiwe", "Sipho", "Grace", "Henry", "Harper", "Jack", "Nora", "Daniel", "Elena", "Rafael",
)  # fmt: skip

LAST_NAMES = (
    "Smith", "Johnson", "Garcia", "Martinez", "Brown", "Nguyen", "Kim", "Patel", "Sharma", "Iyer", "Tanaka",
    "Sato", "Müller", "Schmidt", "Fischer", "Dubois", "Lefèvre", "Rossi", "Bianchi", "Fernández", "López",
    "Silva", "Santos", "Kowalski", "Nowak", "Jovanović", "Petrović", "Andersson", "Johansson", "de Vries",
    "Jansen", "O'Brien", "Murphy", "Okafor", "Mensah", "Dlamini", "Cohen", "Haddad", "Wang", "Li", "Chen",
    "Walker", "Taylor", "Clarke", "Hughes", "Reyes", "Moreau", "Novak", "Lindqvist", "Kaur",
)  # fmt: skip

COMPANIES = (
    "Northwind Logistics", "Bluebird Health", "Lumen Analytics", "Kestrel Robotics", "Harbor & Pine",
    "Quantia Bank", "Fernweh Travel", "Pixelpress", "Greenleaf Grocers", "Atlas Freight", "Brightpath Schools",
    "Copperline Energy", "Orbital Labs", "Mosaic Media", "Tidewater Insurance", "Verdant Farms",
    "Solstice Apparel", "Ironbridge Legal", "Nimbus Games", "Cedar & Stone Realty", "Polaris Payments",
    "Juniper Dental", "Redwood Studios", "Sable Security",
)  # fmt: skip

PLANS = (("free", 3), ("starter", 4), ("pro", 4), ("enterprise", 1))

LANDING_PAGES = ("/pricing", "/features/sso", "/docs/api", "/blog/export-guide", "/", "/integrations/slack")
TRAFFIC_SOURCES = ("google", "newsletter", "linkedin", "direct", "g2", "partner")
