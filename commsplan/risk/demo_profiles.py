"""Figures and notes for the demo risk profiles; written for this product, figures illustrative.

Volumes are this year's recorded offences per borough command, in realistic London proportions;
the year before is derived from each one's change in `commsplan/risk/demo.py`. Place names are
real places in each borough; no real person or case is described.
"""

from __future__ import annotations

from dataclasses import dataclass

ELEMENTS = ("MSV", "AWI", "SSO", "ROB", "HATE", "DV", "HAR")
CORPORATE = "CORP"

HARM_METHOD = "Cambridge Crime Harm Index (days of custody)"
# Mean CCHI days per offence for each element's usual offence mix (homicide and wounding with intent
# weigh most; most hate crime is public order, most harassment is sentenced in the community).
HARM_PER_OFFENCE = {"MSV": 2050, "AWI": 95, "SSO": 1150, "ROB": 250, "HATE": 30, "DV": 40, "HAR": 20}
# London's change on the year before, per element; each borough varies around it.
LONDON_TREND = {"MSV": -0.06, "AWI": -0.02, "SSO": 0.04, "ROB": 0.07, "HATE": 0.05, "DV": 0.03,
                "HAR": -0.04}
# Changes on the year before that the notes below rely on; the rest are drawn around LONDON_TREND.
CHANGES = {("CW", "ROB"): 0.15, ("ZD", "ROB"): 0.11, ("KF", "ROB"): 0.12, ("HT", "HATE"): 0.17,
           ("SX", "HATE"): 0.16, ("GD", "MSV"): -0.14, ("LX", "MSV"): 0.08, ("KD", "DV"): 0.09,
           ("YR", "MSV"): -0.11, ("MD", "ROB"): -0.08}
FORCE_CONFIDENCE = {"previous": 51.0, "current": 49.0}
# Borough commands whose profile for this year still waits for their partnership board.
DRAFTS = frozenset({"RY", "XH", "JI", "VW", "JC", "KD"})


@dataclass(frozen=True)
class Borough:
    code: str
    volumes: tuple[int, int, int, int, int, int, int]  # this year, in ELEMENTS order
    confidence: int  # % of residents who say the police do a good job locally, this year
    visitor_robbery: bool  # commuters, visitors and night-time crowds are targeted for phones
    centre: str
    interchange: str
    routes: str
    nte: str  # night-time economy
    estates: str


BOROUGHS = [
    Borough("KG", (110, 2230, 270, 640, 380, 1850, 2020), 44, False,
            "Barking town centre and Dagenham Heathway", "Barking station",
            "Longbridge Road, Ripple Road and East Street",
            "Barking town centre", "the Gascoigne and Marks Gate estates"),
    Borough("SX", (110, 2520, 320, 930, 640, 1720, 2310), 54, False, "Edgware, Burnt Oak and North Finchley",
            "Edgware bus station and Colindale station", "Burnt Oak Broadway and the Edgware Road",
            "North Finchley and Finchley Central", "the Grahame Park and West Hendon estates"),
    Borough("RY", (60, 1620, 200, 290, 300, 1360, 1720), 55, False, "Bexleyheath Broadway and Erith",
            "the Broadway bus stops in Bexleyheath and Erith station",
            "Welling High Street and the bus routes towards Thamesmead", "Bexleyheath Broadway",
            "the estates in Thamesmead East and Slade Green"),
    Borough("QK", (165, 3010, 350, 1430, 560, 1840, 2290), 46, False, "Wembley, Harlesden and Kilburn",
            "Wembley Central and Willesden Junction stations",
            "Harlesden High Street, Kilburn High Road and Church Road",
            "Kilburn High Road and Wembley Park", "the South Kilburn and Stonebridge estates"),
    Borough("PY", (85, 2230, 280, 480, 400, 1660, 2210), 57, False,
            "Bromley town centre and Orpington High Street", "Bromley South and Bromley North stations",
            "Penge High Street and the bus routes through Mottingham",
            "Bromley town centre and Beckenham", "the St Paul's Cray and Mottingham estates"),
    Borough("EK", (140, 2620, 370, 2240, 730, 1210, 1820), 47, True, "Camden Town and Kentish Town",
            "King's Cross, St Pancras and Euston stations",
            "Camden High Street, Kentish Town Road and the Euston Road",
            "Camden Town and King's Cross", "the Regent's Park and Somers Town estates"),
    Borough("ZD", (190, 3480, 420, 1350, 600, 2360, 3010), 43, False, "Croydon town centre around North End",
            "West Croydon bus station and East Croydon station",
            "London Road, Thornton Heath High Street and the tram stops", "Croydon High Street and South End",
            "the New Addington and Fieldway estates"),
    Borough("XD", (140, 2810, 350, 1170, 560, 1800, 2390), 49, False, "Ealing Broadway, Southall and Acton",
            "Ealing Broadway and Southall stations", "The Broadway in Southall, the Uxbridge Road and "
            "Acton High Street", "Ealing Broadway", "the South Acton and Golf Links estates"),
    Borough("YE", (150, 2840, 340, 1180, 520, 2010, 2480), 45, False, "Edmonton Green and Enfield Town",
            "Edmonton Green bus station and Ponders End station", "Fore Street, the Hertford Road and "
            "Green Lanes", "Enfield Town and Palmers Green", "the Joyce and Snells and Alma estates"),
    Borough("RG", (145, 2890, 340, 860, 500, 1910, 2290), 48, False, "Woolwich and Eltham High Street",
            "Woolwich station and North Greenwich bus station",
            "Powis Street, Plumstead High Street and the routes to Thamesmead",
            "Greenwich town centre and the O2 at North Greenwich", "the Glyndon and Thamesmead estates"),
    Borough("GD", (170, 2830, 340, 1640, 700, 1560, 2010), 40, True, "Hackney Central and Dalston",
            "Hackney Central and Dalston Junction stations",
            "Mare Street, Kingsland High Street and Stoke Newington High Street",
            "Shoreditch, Hoxton and Dalston", "the Kingsmead, Pembury and Nightingale estates"),
    Borough("FH", (90, 1920, 250, 990, 420, 1060, 1410), 52, True, "Hammersmith and Shepherd's Bush",
            "Hammersmith bus station and Shepherd's Bush", "King Street, the Uxbridge Road and "
            "North End Road", "Hammersmith and Fulham Broadway", "the White City and Edward Woods estates"),
    Borough("YR", (175, 2790, 330, 1560, 620, 1650, 2110), 39, False, "Wood Green and Tottenham",
            "Seven Sisters, Tottenham Hale and Turnpike Lane stations",
            "Tottenham High Road, West Green Road and Wood Green High Road",
            "Green Lanes, Crouch End and Wood Green", "the Broadwater Farm and Northumberland Park estates"),
    Borough("QA", (60, 1410, 180, 470, 320, 1100, 1510), 56, False, "Harrow town centre and Wealdstone",
            "Harrow bus station and Harrow-on-the-Hill station",
            "Station Road, Wealdstone High Street and South Harrow",
            "Harrow town centre around St Ann's Road", "the Grange Farm and Rayners Lane estates"),
    Borough("KD", (80, 2010, 250, 470, 360, 1660, 2010), 53, False, "Romford town centre",
            "Romford station and the South Street bus stops",
            "South Street, Hornchurch High Street and the Harold Hill shopping parades",
            "Romford town centre around South Street", "the Harold Hill estates"),
    Borough("XH", (105, 2620, 330, 690, 470, 1750, 2300), 51, False, "Uxbridge and Hayes",
            "Uxbridge station and Hayes & Harlington station",
            "Uxbridge High Street, Coldharbour Lane in Hayes and the bus routes to Heathrow",
            "Uxbridge town centre", "the estates in Yiewsley, West Drayton and Hayes"),
    Borough("TX", (110, 2410, 290, 760, 450, 1600, 2110), 50, False, "Hounslow town centre and Feltham",
            "Hounslow bus station and Hounslow East station",
            "Hounslow High Street, the Bath Road and Feltham High Street",
            "Hounslow town centre and Chiswick", "the Beavers estate and estates in Brentford"),
    Borough("NI", (130, 2420, 310, 1420, 600, 1300, 1760), 46, True, "Holloway and Angel",
            "Finsbury Park, Highbury & Islington and Archway stations",
            "the Holloway Road, Seven Sisters Road and Caledonian Road", "Upper Street and Angel",
            "the Andover estate and the estates off the Caledonian Road"),
    Borough("BS", (75, 1420, 220, 1150, 400, 850, 1110), 55, True, "Notting Hill and Kensington High Street",
            "South Kensington, Earl's Court and Ladbroke Grove stations",
            "Portobello Road, the King's Road and Brompton Road",
            "Chelsea, Notting Hill and South Kensington",
            "the Lancaster West and World's End estates"),
    Borough("VK", (45, 1110, 170, 290, 280, 860, 1210), 60, False, "Kingston town centre",
            "Cromwell Road bus station and Surbiton station",
            "Clarence Street, the riverside and the routes to Norbiton",
            "Kingston town centre and the riverside", "the Cambridge Road estate"),
    Borough("LX", (210, 3320, 430, 1820, 680, 1860, 2410), 41, True, "Brixton and Streatham",
            "Brixton station, Vauxhall bus station and Waterloo",
            "Brixton Road, Coldharbour Lane and Streatham High Road",
            "Brixton, Clapham High Street and Vauxhall",
            "the Loughborough, Myatts Field and Stockwell Park estates"),
    Borough("PL", (155, 2710, 330, 1080, 520, 1800, 2220), 44, False, "Lewisham town centre and Catford",
            "Lewisham station and bus stands",
            "Lewisham High Street, Deptford High Street and the New Cross Road",
            "New Cross, Deptford and Catford", "the Pepys and Honor Oak estates"),
    Borough("VW", (65, 1310, 190, 420, 290, 1100, 1400), 56, False, "Wimbledon and Mitcham",
            "Wimbledon station and Morden station",
            "Mitcham's Fair Green, the London Road and the bus routes through Colliers Wood",
            "Wimbledon town centre", "the Phipps Bridge, Pollards Hill and Eastfields estates"),
    Borough("KF", (200, 3410, 410, 2080, 650, 2060, 2510), 44, True, "Stratford and East Ham",
            "Stratford station and bus station, and Canning Town",
            "Green Street, East Ham High Street North and the Barking Road",
            "Stratford and Westfield Stratford City", "the Carpenters and Custom House estates"),
    Borough("JI", (100, 2230, 260, 920, 420, 1560, 2010), 50, False, "Ilford town centre",
            "Ilford station and the town centre bus stops",
            "Ilford High Road through Seven Kings and Goodmayes", "Ilford town centre",
            "the estates in Loxford and Clementswood"),
    Borough("TW", (38, 1010, 150, 240, 230, 790, 1060), 62, False, "Richmond and Twickenham",
            "Richmond station and Twickenham station", "George Street in Richmond and the Heath Road "
            "and King Street in Twickenham", "Richmond town centre, its riverside and Twickenham",
            "the Ham Close and Castelnau estates"),
    Borough("MD", (195, 3290, 400, 1750, 650, 1810, 2420), 42, True, "Peckham and Elephant and Castle",
            "Peckham bus station, Elephant and Castle and London Bridge",
            "Rye Lane, the Walworth Road and the Old Kent Road", "London Bridge, Borough and Peckham",
            "the North Peckham, Aylesbury and Brandon estates"),
    Borough("ZT", (50, 1310, 180, 290, 260, 1150, 1410), 58, False, "Sutton town centre",
            "Sutton station and the High Street bus stops", "Sutton High Street, Wallington and Rosehill",
            "Sutton High Street", "the St Helier and Roundshaw estates"),
    Borough("HT", (175, 3190, 380, 1900, 720, 1800, 2310), 45, True, "Whitechapel and Bethnal Green",
            "Whitechapel, Mile End and Canary Wharf stations",
            "Whitechapel Road, Commercial Road and Roman Road", "Brick Lane, Shoreditch and Canary Wharf",
            "the Ocean, Boundary and Teviot estates"),
    Borough("JC", (130, 2400, 290, 1080, 480, 1610, 2010), 47, False, "Walthamstow and Leyton",
            "Walthamstow Central bus station",
            "Hoe Street, Walthamstow High Street and Leytonstone High Road",
            "Walthamstow and Leytonstone", "the Cathall and Beaumont estates"),
    Borough("WW", (110, 2230, 300, 1050, 450, 1310, 1910), 53, True,
            "Clapham Junction, Tooting and Wandsworth",
            "Clapham Junction and Tooting Broadway stations",
            "St John's Road, Tooting High Street and Putney High Street",
            "Clapham Junction, Battersea Rise and Putney", "the Winstanley, York Road and Alton estates"),
    Borough("CW", (180, 4380, 620, 3600, 1250, 1150, 2610), 50, True,
            "the West End: Oxford Street, Soho, Covent Garden and Leicester Square",
            "Victoria, Oxford Circus and Paddington stations",
            "Edgware Road, Church Street and the Harrow Road",
            "Soho, Leicester Square and Covent Garden", "the Church Street and Mozart estates"),
]

# Residents in thousands (rounded mid-year estimates), so likelihood compares rates, not raw volumes.
POPULATION = {"KG": 219, "SX": 389, "RY": 247, "QK": 339, "PY": 330, "EK": 210, "ZD": 390, "XD": 367,
              "YE": 330, "RG": 289, "GD": 259, "FH": 183, "YR": 264, "QA": 261, "KD": 262, "XH": 305,
              "TX": 288, "NI": 216, "BS": 143, "VK": 168, "LX": 317, "PL": 300, "VW": 215, "KF": 351,
              "JI": 310, "TW": 195, "MD": 307, "ZT": 209, "HT": 310, "JC": 278, "WW": 327, "CW": 204}

# (unit, element) → (rank, why); "current" is this year's profile, "previous" the year before's.
OVERRIDES = {
    "current": {
        ("CORP", "MSV"): (1, "The Anti-Violence Board set most serious violence as the force's first "
                             "priority for the year: it causes the critical incidents that do most damage "
                             "to public confidence, and it is the shared priority of the London Violence "
                             "Reduction Unit and the boroughs."),
        ("ZD", "ROB"): (1, "Agreed by Croydon's borough board: the borough youth survey shows robbery on "
                           "the way to and from school is the crime young people fear most, and confidence "
                           "among 16–24s is the lowest of any age group. Harm alone ranks it fourth."),
        ("HT", "HATE"): (3, "The community safety partnership and the independent advisory group asked "
                            "for hate crime to be a top-three priority: faith-related hate crime rose "
                            "sharply this year, much of it goes unreported, and it does lasting harm to "
                            "confidence that the harm index does not measure."),
        ("KD", "DV"): (2, "Proposed for the partnership board: domestic abuse is Havering's largest "
                          "source of violent crime, its repeat rate is among the highest in east London, and "
                          "the council's domestic abuse strategy makes it a joint priority. The harm index "
                          "understates it because much of it is recorded as common assault."),
    },
    "previous": {
        ("ZD", "ROB"): (1, "Agreed by Croydon's borough board after the schools consultation: robbery of "
                           "pupils on the way home is what parents and young people raise most."),
        ("CORP", "MSV"): (1, "The Anti-Violence Board's first priority, in line with the London Violence "
                             "Reduction Unit's strategy."),
    },
}

VOLT_FIELDS = ("victims", "offenders", "locations", "times")

# Notes per element, filled with each borough's places and figures; ROB has one set for boroughs where
# commuters and visitors are robbed for phones, MSV one for boroughs with few offences.
TEMPLATES: dict[str, tuple[str, str, str, str]] = {
    "MSV": ("Young men aged 15–24 are about {young}% of victims, and about {repeat}% had been a victim of "
            "violence before; victims under 18 are often attacked near school or on the way home. A knife "
            "was used or shown in about {knife}% of offences.",
            "Mostly males aged 16–30, usually known to the victim; a share of offences comes from disputes "
            "between local groups. Some suspects have previous convictions for carrying a knife.",
            "Around {interchange}; along {routes}; on {estates}; and, late at night, in {nte}.",
            "15:00–23:00, highest on Friday and Saturday evenings; more offences in the summer and in "
            "school holidays."),
    "MSV-few": ("Few offences, but each does great harm: about {young}% of victims are aged 15–24, and "
                "{domestic}% of offences are domestic-related, mostly against women.",
                "Males aged 16–35; in domestic cases a partner, former partner or family member. A small "
                "number of young suspects come from outside the borough.",
                "In {centre}; around {interchange}; on {estates}; and in homes across the borough for "
                "domestic-related offences.",
                "Evenings and weekends; the hours after school for victims under 18; summer months higher."),
    "AWI": ("Adults aged 18–35 are about {adults}% of victims; {domestic}% of offences are domestic-related. "
            "Shop workers, bus drivers and door staff are assaulted at work.",
            "Mostly men aged 18–40, often after drinking; in domestic cases a current or former partner.",
            "Licensed venues and late-night takeaways in {nte}; shops and buses in {centre}; homes across "
            "the borough for domestic-related assaults.",
            "Friday and Saturday 22:00–03:00; match days, bank holidays and warm summer evenings."),
    "SSO": ("Women and girls are about {women}% of victims, and about {children}% of victims are under 18. "
            "Most knew the suspect, and many report weeks or months after the offence.",
            "Mostly men known to the victim: partners, former partners and acquaintances. A smaller share "
            "of stranger offences is linked to the night-time economy.",
            "Private homes for most offences. Stranger offences cluster in {nte} and on late-night journeys "
            "home through {interchange}; some offences against teenagers follow contact online.",
            "Late night and early morning at weekends for stranger offences; reports rise in the summer and "
            "after awareness campaigns."),
    "ROB": ("About {young}% of victims are aged 12–19, mostly pupils on their way to or from school; phones, "
            "headphones, e-bikes and cash are taken. About {repeat}% are repeat victims within six months.",
            "Groups of two to four males aged 14–19, often from the same schools or neighbourhoods as their "
            "victims; some travel in by bus from neighbouring boroughs.",
            "Bus stops and routes from secondary schools to {interchange}; along {routes}; fast-food outlets "
            "in {centre}.",
            "15:00–18:30 on school days; Saturday afternoons; peaks from October to February when it is dark "
            "early."),
    "ROB-visitors": ("About {young}% of victims are aged 12–19; phones are taken in about {phones}% of "
                     "offences. Commuters, visitors and people leaving licensed venues are targeted for "
                     "phones.",
                     "Groups of two to four males aged 14–21, often on e-bikes or mopeds; a small number of "
                     "repeat offenders account for a large share.",
                     "Around {interchange}; in {centre}; along {routes}; and in {nte} at night.",
                     "15:00–19:00 on school days for young victims; phone snatches through the evening, "
                     "highest on Friday and Saturday; peaks from October to February."),
    "HATE": ("Race-related offences are about {race}% of the total; religious hate crime rises after "
             "national and international events. Disability and transgender hate crime are under-reported.",
             "Mostly adult men acting alone; some are neighbours or people the victim meets regularly.",
             "Buses and stations, {centre}, shops and takeaways where victims work, and homes in neighbour "
             "disputes.",
             "Daytime as well as evenings; rises after events that raise community tension."),
    "DV": ("Mostly women aged 18–45; about {repeat}% are repeat victims within a year. Children live in the "
           "household in many cases.",
           "Current or former partners in most cases; family members in the rest.",
           "Private homes across the borough, highest on {estates}; workplaces and public places where the "
           "victim is followed.",
           "Evenings and weekends; peaks over Christmas, New Year and major football tournaments."),
    "HAR": ("Women are most victims of stalking and online harassment; neighbours and shop staff suffer "
            "repeated harassment. Many are harassed for months before they report.",
            "Former partners in most stalking cases; neighbours and local groups in persistent harassment.",
            "Homes and streets near the victim's home, workplaces, and online.",
            "Ongoing rather than one-off; escalation after a relationship ends."),
}
# The figures each template needs, each drawn from its range per borough and year.
FIGURES: dict[str, dict[str, tuple[int, int]]] = {
    "MSV": {"young": (52, 68), "repeat": (14, 24), "knife": (55, 72)},
    "MSV-few": {"young": (40, 55), "domestic": (25, 40)},
    "AWI": {"adults": (55, 68), "domestic": (22, 34)},
    "SSO": {"women": (84, 92), "children": (26, 38)},
    "ROB": {"young": (52, 68), "repeat": (12, 19)},
    "ROB-visitors": {"young": (30, 44), "phones": (70, 84)},
    "HATE": {"race": (64, 76)},
    "DV": {"repeat": (26, 36)},
    "HAR": {},
}

# Written for a borough's leading priorities; used in place of the templates in both years.
NOTES: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("CW", "ROB"): (
        "About two thirds of victims are adults: commuters, tourists and people leaving licensed venues, "
        "robbed of phones and, in Mayfair and St James's, of high-value watches. About one in five are aged "
        "12–19, mostly robbed on the way home from school around Church Street and the Harrow Road.",
        "Groups of two to four males aged 15–24 on e-bikes or mopeds, many travelling into the West End from "
        "other boroughs; a small organised group of offenders targets luxury watches.",
        "Oxford Street, Soho, Covent Garden, Leicester Square and Piccadilly Circus; around Victoria and "
        "Paddington stations; Edgware Road and Church Street for younger victims.",
        "Afternoon to 02:00, highest on Friday and Saturday nights and in the weeks before Christmas; watch "
        "robberies mostly in daylight."),
    ("LX", "MSV"): (
        "Mostly young men and boys aged 15–24; about a quarter of victims are under 18. About one in five "
        "had been a victim of violence before, and several are known to the youth offending service.",
        "Males aged 15–25, often in groups; long-running disputes between groups from parts of Brixton and "
        "Stockwell drive a share of offences. Knives are used in most.",
        "Brixton town centre around Brixton Road and Coldharbour Lane; the Loughborough, Myatts Field and "
        "Stockwell Park estates; Vauxhall and Clapham High Street late at night.",
        "From 15:00, after school, into the evening; Friday and Saturday nights; higher in the summer "
        "holidays. Risk is highest in the days after an earlier incident."),
    ("GD", "MSV"): (
        "Young men aged 16–24 are over half of victims; about a quarter of offences are domestic-related, "
        "mostly against women. Most victims live near where the offence happened.",
        "Males aged 16–30, usually known to the victim; disputes between local groups account for a share of "
        "offences among teenagers.",
        "Mare Street and Hackney Central; Dalston around Kingsland High Street and Ridley Road; the "
        "Kingsmead, Pembury and Nightingale estates; Shoreditch and Hoxton late at night.",
        "15:00–23:00, with a second peak after midnight at weekends in Shoreditch; summer months and school "
        "holidays higher."),
    ("GD", "ROB"): (
        "About half of victims are aged 12–19, many robbed of phones and e-bikes near schools and bus stops; "
        "adults leaving bars in Shoreditch and Dalston are targeted for phones late at night.",
        "Groups of two to four males aged 14–19, often on e-bikes; a handful of repeat offenders commit a "
        "large share.",
        "Bus stops on Mare Street and Kingsland Road; Hackney Central and Dalston Junction stations; Hackney "
        "Downs, London Fields and Clissold Park after school; Shoreditch High Street at night.",
        "15:00–18:30 on school days; 23:00–03:00 on Friday and Saturday in Shoreditch; peaks from October "
        "to February."),
    ("KF", "ROB"): (
        "About 55% of victims are aged 12–21, mainly pupils and college students; shoppers and people going "
        "to events at Stratford are targeted for phones.",
        "Groups of two to four males aged 14–21, some travelling in from neighbouring boroughs; e-bikes are "
        "used to snatch phones.",
        "Stratford bus station, the Stratford Centre and Westfield Stratford City; Green Street and East Ham "
        "High Street North; Canning Town and the routes to secondary schools along the Barking Road.",
        "15:00–19:00 on school days; before and after events at the London Stadium and ExCeL; peaks from "
        "October to February."),
    ("ZD", "ROB"): (
        "About 62% of victims are aged 12–19, most of them pupils robbed of phones, headphones and cash on "
        "the way home; one in six is robbed again within six months. Parents and schools say many robberies "
        "are never reported.",
        "Groups of two to four males aged 14–19, often from nearby schools; some travel in by tram or bus.",
        "West Croydon bus station, East Croydon station and the tram stops; North End and the fast-food "
        "outlets around the town centre; routes from secondary schools in Thornton Heath, Norbury and New "
        "Addington.",
        "15:00–18:30 on school days, highest in the first hour after school; Saturday afternoons; peaks from "
        "October to February when it is dark early."),
    ("HT", "HATE"): (
        "About 70% of offences are race-related; faith-related hate crime against Muslim and Jewish "
        "residents and visitors has risen this year. Staff in shops, takeaways and on buses are frequent "
        "victims. Many incidents are reported to community groups rather than to the police.",
        "Mostly adult men acting alone, some living locally; online abuse often follows an incident in the "
        "street.",
        "Whitechapel Road and the market, Brick Lane, Bethnal Green and Mile End; buses and stations; "
        "outside places of worship; Canary Wharf for people on their way to work.",
        "Rises after national and international events and around protests; daytime as well as evening; "
        "around religious festivals."),
    ("KD", "DV"): (
        "Mostly women aged 18–45; about 38% are repeat victims within a year, one of the highest rates in "
        "east London. Children live in the household in about half of cases, and older parents abused by "
        "adult children are a growing share.",
        "Current or former partners in most cases; adult family members in about one in five.",
        "Homes across the borough, highest in Romford, Harold Hill and Rainham; South Street in Romford "
        "after nights out.",
        "Evenings and weekends; peaks over Christmas and New Year and during major football tournaments."),
}

# The force as a whole: every element, summarising the boroughs.
CORPORATE_NOTES: dict[str, tuple[str, str, str, str]] = {
    "MSV": ("Three in four victims are male; those aged 15–24 are the largest group, and teenage victims are "
            "concentrated in a few inner and east London boroughs. About one in five victims had been a "
            "victim of violence in the two years before.",
            "Mostly males aged 16–30, most known to their victim. Knives are used in about half of offences "
            "and firearms in a small minority; group disputes and drug supply drive a share among young "
            "people.",
            "Highest in Lambeth, Southwark, Newham, Croydon, Haringey, Hackney and Tower Hamlets: town "
            "centres, transport interchanges, estates and the routes between them. About one in ten offences "
            "is in a private home and domestic-related.",
            "15:00–23:00, and straight after school for victims under 18; summer and school holidays higher; "
            "rises around Bonfire Night and New Year's Eve."),
    "AWI": ("Adults aged 18–40 in the night-time economy; about a third of offences are domestic-related; "
            "bus drivers, shop workers and door staff are assaulted at work.",
            "Mostly men aged 18–40, often after drinking; in domestic cases a current or former partner or "
            "family member.",
            "Licensed venues and late-night transport in the West End, Shoreditch, Camden, Brixton, Clapham "
            "and Croydon; homes across London for domestic-related assaults; shops and buses for assaults on "
            "workers.",
            "Friday and Saturday nights 22:00–04:00; major events, football and bank holidays; warm summer "
            "evenings."),
    "SSO": ("Nine in ten victims are women and girls, and about a third are under 18. Most knew the suspect. "
            "Many report weeks or years later, and most victims never report at all.",
            "Mostly men known to the victim: partners, former partners, family members and acquaintances. "
            "Stranger offences are a minority and cluster around the night-time economy and journeys home.",
            "Private homes for most offences; licensed venues, night buses, minicabs and routes home in busy "
            "night-time areas; online contact that leads to offences against teenagers.",
            "Late night and early morning at weekends for stranger offences; reports rise after national "
            "campaigns and in the summer, and in university freshers' weeks in September and October."),
    "ROB": ("About half of victims are aged 12–24, and boys aged 13–17 on their way to and from school are "
            "the group most at risk. Phones are taken in most offences, then headphones, bikes, cash and "
            "watches; commuters and visitors in central London are targeted for phones.",
            "Groups of two to four males aged 14–21, often on e-bikes or mopeds; a small number of prolific, "
            "repeat offenders commit a large share.",
            "The West End, Camden, Stratford and Shoreditch for phone snatches; bus stops, bus routes and "
            "interchanges on school routes in outer London; fast-food outlets and high streets near "
            "secondary schools.",
            "15:00–19:00 on school days; evenings in central London all week; peaks from October to February "
            "when it is dark early."),
    "HATE": ("About three quarters of offences are race-related; religious hate crime against Jewish and "
             "Muslim Londoners rises sharply when events abroad raise tension. Disability, sexual "
             "orientation and transgender hate crime are widely under-reported.",
             "Mostly adult men, many acting alone; some are neighbours or people the victim meets regularly. "
             "Online abuse often goes with offences in person.",
             "Public transport, town centres, shops and takeaways where victims work, places of worship, and "
             "neighbour disputes at home; online platforms.",
             "Rises after national and international events and during protests; around religious festivals "
             "and Pride month; daytime as well as evening."),
    "DV": ("Most victims are women aged 18–45; about one in three is a repeat victim within a year. Children "
           "are present or live in the household in many cases; older victims and men are less likely to "
           "report.",
           "Current or former partners in most cases, and family members in the rest, including adult "
           "children abusing their parents.",
           "Private homes across London, with the highest rates in outer east and south London boroughs; "
           "workplaces and public places where victims are followed.",
           "Evenings and weekends; peaks over Christmas and New Year and during major football tournaments; "
           "reports rise after a separation and in school holidays."),
    "HAR": ("Women and girls are most victims of stalking and online harassment; neighbours and shop staff "
            "are frequent victims of repeated harassment. Many are harassed for months before they report.",
            "Former partners in most stalking cases; neighbours and local groups in persistent harassment; "
            "some offenders use several online accounts.",
            "Homes, streets near the victim's home, workplaces, and online: messaging apps and social media.",
            "Ongoing rather than one-off; evenings and weekends for neighbour harassment; escalation after a "
            "relationship ends."),
}
