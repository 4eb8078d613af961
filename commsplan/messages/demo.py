"""Demo message maps for London violence-reduction communications; written for this product,
figures illustrative.
"""

from __future__ import annotations

from typing import Any

MESSAGE_MAPS: list[dict[str, Any]] = [
    # ------------------------------------------------------------------ MSV
    {
        "element": "MSV",
        "qualifiers": ["WEAPON"],
        "audience": "Parents and carers of secondary-age children",
        "unit": "BLUNT",
        "state": "approved",
        "review_in_days": 120,
        "concern": "I think my son might be carrying a knife – what should I do, and will he be arrested "
                   "if I tell someone?",
        "key_messages": [
            {"text": "Most young people in London never carry a knife. If you are worried about your child, "
                     "talking early really can keep them safe.",
             "facts": ["In illustrative survey data, most pupils say they have never carried a weapon.",
                       "Young people who carry often say they do it because they feel scared."]},
            {"text": "Ask calm questions, listen more than you talk, and look for changes like new friends, "
                     "missing kitchen knives or fear of certain streets.",
             "facts": ["Youth workers say a calm first conversation makes a second one more likely.",
                       "Kitchen knives are the type most often found on young people in this demo data."]},
            {"text": "You can get advice without giving your name. Youth services and your Safer Schools "
                     "officer can help before anyone gets hurt.",
             "facts": ["Every secondary school in the demo borough has a named Safer Schools officer.",
                       "Crimestoppers never asks for your name and does not trace calls."]},
        ],
        "call_to_action": "Call 999 if someone is in danger. For advice, call 101 or speak to your child's "
                          "school. To tell us anonymously, call Crimestoppers on 0800 555 111.",
        "ripe": ["prevention", "intelligence"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Worried your child might be carrying a knife?**\n\n"
                     "You are not alone, and you are right to act. Most young people never carry a knife, "
                     "and those who do often say they feel scared.\n\n"
                     "**What helps**\n"
                     "- Pick a calm moment, such as a car journey or a walk.\n"
                     "- Ask what feels unsafe and listen before you react.\n"
                     "- Notice changes: new friends, missing kitchen knives, avoiding certain streets.\n\n"
                     "**Where to get help**\n"
                     "- Your child's school and Safer Schools officer\n"
                     "- Local youth services, listed on the council website\n"
                     "- Crimestoppers, 100% anonymous, on 0800 555 111\n\n"
                     "If anyone is in danger, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Community and diaspora radio", "language": "so",
             "body": "[Somali translation — community reviewed] Script, about 30 seconds.\n\n"
                     "Many parents tell us they worry their child might carry a knife. Most young people "
                     "never do. If you are worried, choose a calm moment, listen, and ask what makes them "
                     "feel unsafe. The school, youth workers and local officers can help before anyone is "
                     "hurt. You can also call Crimestoppers without giving your name on 0800 555 111. "
                     "In an emergency, always call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": "community_reviewed"},
        ],
    },
    {
        "element": "MSV",
        "qualifiers": ["GROUP"],
        "audience": "Young people known to be at risk of serious violence",
        "unit": "TRIDENT",
        "state": "approved",
        "review_in_days": 60,
        "concern": "My mate got hurt last weekend and people are saying we have to hit back – what happens "
                   "if we don't?",
        "key_messages": [
            {"text": "Hitting back rarely ends it. It usually means more people you care about get hurt, "
                     "arrested or worse.",
             "facts": ["Youth workers in the demo borough see most repeat injuries within weeks of a first "
                       "attack.",
                       "Officers are patrolling around the incident area while tensions are high."]},
            {"text": "Stepping back is not weakness. A mentor can help you stay safe, move if needed and "
                     "sort out the pressure.",
             "facts": ["Mentors from local youth charities can meet you the same week as a referral.",
                       "Support can cover school, training, work and a safe place to spend evenings."]},
            {"text": "If you know something is planned, you can tell someone without giving your name.",
             "facts": ["Fearless is run by Crimestoppers and does not ask for names or trace messages."]},
        ],
        "call_to_action": "Talk to your youth worker or mentor today. Tell Fearless about planned violence "
                          "anonymously at fearless.org. In an emergency, call 999.",
        "ripe": ["prevention", "intelligence"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Youth service and mentor networks", "language": "en",
             "body": "**For youth workers and mentors: talking points after a group incident**\n\n"
                     "Use these in one-to-one conversations. They are not a script.\n\n"
                     "- Acknowledge how they feel. Anger and fear are normal after a friend is hurt.\n"
                     "- Be honest: hitting back tends to bring more injuries and arrests, not an end to it.\n"
                     "- Stepping back is a choice that protects friends and family too.\n"
                     "- Offer something real today: a safe place this evening, a call with a mentor, help "
                     "with school or work.\n"
                     "- If they mention plans, explain that Fearless (fearless.org) lets them pass it on "
                     "without giving their name.\n\n"
                     "If anyone is in immediate danger, call 999. Raise safeguarding concerns through your "
                     "organisation's usual route.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "MSV",
        "qualifiers": [],
        "audience": "London, local and community media",
        "unit": "DPA",
        "state": "approved_with_draft",
        "review_in_days": 30,
        "concern": "What can police tell us about last night's stabbing, and is there any wider risk to the "
                   "public?",
        "key_messages": [
            {"text": "A man is in hospital after a stabbing last night. Officers are working fast to find "
                     "those responsible.",
             "facts": ["A crime scene is in place and will stay while officers search the area.",
                       "Detectives are checking CCTV and speaking to people who were nearby."]},
            {"text": "There will be more officers in the area over the coming days. Please speak to them if "
                     "you are worried.",
             "facts": ["Extra patrols run from early afternoon until late evening for at least a week.",
                       "Local officers will hold a drop-in at the ward office on Thursday."]},
            {"text": "If you saw what happened or have video, please contact us. Small details can matter.",
             "facts": ["Information can be given anonymously through Crimestoppers."]},
        ],
        "call_to_action": "Anyone with information should call 101 quoting the incident reference, or tell "
                          "Crimestoppers 100% anonymously on 0800 555 111.",
        "ripe": ["reassurance", "intelligence"],
        "tone": "informative",
        "variants": [
            {"channel": "Press releases and briefings", "language": "en",
             "body": "**Holding lines: stabbing, [street], [borough]**\n\n"
                     "- Police were called at [time] on [date] to reports of a stabbing in [street].\n"
                     "- Officers and London Ambulance Service attended. A man in his [age range] was taken "
                     "to hospital. His family has been informed.\n"
                     "- No arrests have been made at this stage. Enquiries continue.\n"
                     "- A crime scene is in place. We thank local people and businesses for their patience.\n"
                     "- There will be more officers in the area over the coming days.\n\n"
                     "**Quote from the local senior officer**\n\n"
                     "\"I know this will worry people who live and work here. My officers are working hard "
                     "to find those responsible, and I ask anyone with information or video to come "
                     "forward.\"\n\n"
                     "**Do not**\n"
                     "- Speculate on motive or link to other incidents.\n"
                     "- Share details about the victim beyond what the family has agreed.\n\n"
                     "Appeal: call 101 quoting [reference], or Crimestoppers anonymously on 0800 555 111.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Borough X (Twitter) accounts", "language": "en",
             "body": "We're in [street] after a man was stabbed last night. He is in hospital. You'll see a "
                     "crime scene and more officers nearby. Saw anything? Call 101 ref [ref] or "
                     "Crimestoppers anonymously: 0800 555 111.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "MSV",
        "qualifiers": [],
        "audience": "Councillors, MOPAC and the Violence Reduction Unit",
        "unit": "HOMICIDE",
        "state": "in_review",
        "review_in_days": 45,
        "concern": "What is the policing and partnership response to the recent fatal stabbing, and what do "
                   "you need from us?",
        "key_messages": [
            {"text": "A murder investigation is under way. Detectives are following several lines of enquiry "
                     "and supporting the family through a trained officer.",
             "facts": ["A family liaison officer was assigned within hours of the incident.",
                       "Local officers remain on extra patrol near the scene and nearby schools."]},
            {"text": "Tension is being monitored closely. Partners can help by sharing concerns early and "
                     "steering residents to trusted information.",
             "facts": ["A community impact assessment is reviewed daily while tensions are raised.",
                       "Youth outreach teams have extra sessions planned in the ward this week."]},
            {"text": "Please avoid speculating about motive in public. It can harm the investigation and "
                     "raise the risk of retaliation.",
             "facts": ["Briefings to elected members are held under agreed confidentiality rules."]},
        ],
        "call_to_action": "Raise community concerns with the borough commander's office. Point residents to "
                          "101, or to Crimestoppers anonymously on 0800 555 111.",
        "ripe": ["reassurance", "intelligence"],
        "tone": "informative",
        "variants": [
            {"channel": "Press releases and briefings", "language": "en",
             "body": "**Stakeholder briefing – not for publication**\n\n"
                     "**Where we are**\n"
                     "- A murder investigation led by specialist detectives is under way.\n"
                     "- The family is supported by a trained liaison officer. Please do not contact them "
                     "directly.\n"
                     "- Extra patrols are in place near the scene, transport links and local schools.\n\n"
                     "**What we are watching**\n"
                     "- Online comment and rumour, including any talk of retaliation.\n"
                     "- Concerns from schools, faith settings and local businesses.\n\n"
                     "**How you can help**\n"
                     "- Share concerns with the borough commander's office as early as possible.\n"
                     "- Point residents to official updates rather than social media speculation.\n"
                     "- Support youth outreach and diversion offers in the ward this week.\n\n"
                     "Next update: within 48 hours, or sooner if the picture changes.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "MSV",
        "qualifiers": ["WEAPON"],
        "audience": "Pupils aged 11–16 in secondary schools",
        "unit": "BLUNT",
        "state": "draft",
        "review_in_days": 150,
        "concern": "Everyone says people at my school carry knives – should I carry one to be safe?",
        "key_messages": [
            {"text": "Most people your age never carry a knife. Believing everyone does is one of the "
                     "reasons some people start.",
             "facts": ["In illustrative survey data, most London pupils say they have never carried one.",
                       "Young people often overestimate how many classmates carry."]},
            {"text": "Carrying a knife makes you less safe, not more. It can turn an argument into something "
                     "you can't take back.",
             "facts": ["Youth workers often hear of knives being turned on the person who brought them."]},
            {"text": "If you feel scared, tell an adult you trust. You can also report anonymously through "
                     "Fearless.",
             "facts": ["Fearless.org lets young people pass on information without giving their name."]},
        ],
        "call_to_action": "Feel unsafe? Talk to a teacher or your Safer Schools officer. Report anonymously "
                          "at fearless.org. In an emergency, call 999.",
        "ripe": ["prevention"],
        "tone": "encouraging",
        "variants": [
            {"channel": "School assemblies and lessons", "language": "en",
             "body": "**Assembly notes (15 minutes), Years 8 to 11**\n\n"
                     "1. Quick poll: \"How many people in this year group do you think carry a knife?\" "
                     "Collect guesses on paper.\n"
                     "2. Share the answer: far fewer than most people guess. Most young people never carry.\n"
                     "3. Talk about why some start: fear, rumours and feeling they have to keep up.\n"
                     "4. Be clear: carrying makes a bad moment far more dangerous, for you and for others.\n"
                     "5. What to do instead: tell a trusted adult, avoid the situation, or report "
                     "anonymously at fearless.org.\n\n"
                     "Do not show images of weapons or injuries. Let pupils know who the school's "
                     "safeguarding lead is before they leave.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Force Instagram and TikTok", "language": "en",
             "body": "Think everyone carries? They don't.\n\n"
                     "Most people your age have never carried a knife. The rumour that \"everyone does\" is "
                     "what gets some people started.\n\n"
                     "Scared about something? Talk to someone you trust, or tell Fearless without giving "
                     "your name: fearless.org\n\n"
                     "In an emergency, call 999.",
             "has_media": True,
             "alt_text": "Short video: three pupils at a bus stop guess how many people carry knives, then "
                         "laugh in surprise when the real, much smaller number appears on screen.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
        ],
    },
    {
        "element": "MSV",
        "qualifiers": [],
        "audience": "Residents of wards affected by a recent incident",
        "unit": "GD",
        "state": "in_review",
        "review_in_days": 21,
        "concern": "After the stabbing near the estate, is it safe to go out, and what are police doing "
                   "about it?",
        "key_messages": [
            {"text": "We know this has shaken people. There will be more officers around the estate and "
                     "nearby streets this week.",
             "facts": ["Extra patrols run from 2pm until midnight, including school home-time.",
                       "Officers are visiting local shops and the community centre each day."]},
            {"text": "Detectives are working to find those responsible. Please share information or doorbell "
                     "footage if you have it.",
             "facts": ["Footage can be uploaded through the public portal linked from the appeal."]},
            {"text": "If you want to talk, your local team will be at the community centre on Thursday "
                     "evening.",
             "facts": ["The drop-in runs from 6pm to 8pm and interpreters can be arranged in advance."]},
        ],
        "call_to_action": "Call 101 or tell Crimestoppers anonymously on 0800 555 111. Call 999 in an "
                          "emergency. Drop in on Thursday from 6pm to talk to your local officers.",
        "ripe": ["reassurance", "intelligence"],
        "tone": "reassuring",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Update for residents after Sunday's incident**\n\n"
                     "We know the stabbing near the estate has shaken many of you. A man remains in "
                     "hospital and detectives are working hard to find those responsible.\n\n"
                     "**What you will see**\n"
                     "- More officers on foot around the estate and nearby streets this week\n"
                     "- Officers at the main bus stops at school home-time\n\n"
                     "**How you can help**\n"
                     "- If you have doorbell or dashcam footage from Sunday evening, please send it to us.\n"
                     "- Call 101, or Crimestoppers anonymously on 0800 555 111.\n\n"
                     "Come and talk to us at the community centre on Thursday, 6pm to 8pm.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Ward panels and community meetings", "language": "en",
             "body": "**Speaking notes for the ward panel chair**\n\n"
                     "- Thank residents for their patience while the scene was in place.\n"
                     "- Explain the extra patrols and when they run.\n"
                     "- Ask the panel what would help people feel safer, and note any places of concern.\n"
                     "- Remind everyone not to share rumours or names online; it can harm the "
                     "investigation.\n"
                     "- Share the appeal: 101, or Crimestoppers on 0800 555 111.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    # ------------------------------------------------------------------ AWI
    {
        "element": "AWI",
        "qualifiers": [],
        "audience": "Residents of wards affected by a recent incident",
        "unit": "ZD",
        "state": "approved",
        "review_in_days": 90,
        "concern": "The town centre feels rough on Friday and Saturday nights – is anything being done "
                   "about it?",
        "key_messages": [
            {"text": "Violence in the town centre has fallen since extra weekend patrols started in the "
                     "spring.",
             "facts": ["Illustrative figure: reported assaults with injury in the town centre fell by about "
                       "a fifth over six months.",
                       "Extra officers patrol from 9pm to 4am on Fridays and Saturdays."]},
            {"text": "Officers work with venues, street pastors and CCTV staff to stop trouble before it "
                     "starts.",
             "facts": ["Street pastors are out on Saturday nights near the main bus stops.",
                       "CCTV operators can direct patrols to a problem within minutes."]},
            {"text": "Tell us where you still feel unsafe so we can keep improving.",
             "facts": ["StreetSafe lets anyone flag a place that feels unsafe without reporting a crime."]},
        ],
        "call_to_action": "Report crime on 101 or online. Tell us about places that feel unsafe through "
                          "StreetSafe. In an emergency, call 999.",
        "ripe": ["reassurance", "enforcement"],
        "tone": "reassuring",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Croydon town centre: weekend patrols update**\n\n"
                     "Since the spring, extra officers have patrolled the town centre every Friday and "
                     "Saturday night, working with venues, street pastors and the CCTV team.\n\n"
                     "Reported assaults in the town centre have fallen over that time. We want to keep it "
                     "that way.\n\n"
                     "**You can help**\n"
                     "- Tell us about places that still feel unsafe through StreetSafe.\n"
                     "- Report crime on 101 or online.\n"
                     "- Call 999 if someone is in danger.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Borough X (Twitter) accounts", "language": "en",
             "body": "Extra weekend patrols in Croydon town centre are working: fewer people hurt on Friday "
                     "and Saturday nights since spring. We're out again this weekend. Somewhere still feels "
                     "unsafe? Tell us via StreetSafe.",
             "has_media": True,
             "alt_text": "Two uniformed officers chat with a door supervisor outside a busy bar on a lit "
                         "town-centre street at night.",
             "captions": False, "easy_read": False, "bsl": False, "translation_status": ""},
        ],
    },
    {
        "element": "AWI",
        "qualifiers": [],
        "audience": "Venue staff and door supervisors",
        "unit": "CW",
        "state": "in_review",
        "review_in_days": 60,
        "concern": "When should door staff call police about a fight brewing, rather than deal with it "
                   "themselves?",
        "key_messages": [
            {"text": "Call us early. A quick call when tension is building is better than a 999 call after "
                     "someone is hurt.",
             "facts": ["Pubwatch radio links venues directly to the CCTV control room.",
                       "Patrols in the West End are briefed on venues reporting tension each night."]},
            {"text": "Keep injured people safe and preserve CCTV. Good evidence helps us charge the right "
                     "people.",
             "facts": ["Body-worn cameras on door staff have helped identify offenders in demo cases."]},
        ],
        "call_to_action": "Use Pubwatch radio or call 101 for early concerns. Call 999 if violence is "
                          "happening or someone is hurt.",
        "ripe": ["prevention", "enforcement"],
        "tone": "informative",
        "variants": [
            {"channel": "SMS to registered contacts", "language": "en",
             "body": "Westminster Pubwatch: busy night expected after the match. Call 101 early if tension "
                     "builds, 999 if anyone is hurt. Keep CCTV.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**For licensed venues: calling us early**\n\n"
                     "You know your crowd. If you can see tension building, call us before it becomes a "
                     "fight.\n\n"
                     "- Use the Pubwatch radio or call 101 for early concerns.\n"
                     "- Call 999 if violence is happening or someone is injured.\n"
                     "- Keep injured people safe and away from the crowd until help arrives.\n"
                     "- Preserve CCTV and body-worn footage, and note descriptions.\n\n"
                     "Thank you for the work your teams do every weekend.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "AWI",
        "qualifiers": ["GROUP"],
        "audience": "Young people aged 16–21 outside education",
        "unit": "TP",
        "state": "draft",
        "review_in_days": 100,
        "concern": "If a fight kicks off with my friends, am I in trouble just for being there or "
                   "filming it?",
        "key_messages": [
            {"text": "Walk away and get help. Joining in, even to back up a friend, can lead to serious "
                     "injury and arrest.",
             "facts": ["Officers can arrest everyone who takes part in a group assault, not only the person "
                       "who struck first."]},
            {"text": "Filming and sharing fights can make things worse and spread harm. Send video to police "
                     "instead.",
             "facts": ["Shared fight videos often lead to further fights between the same groups in demo "
                       "case reviews."]},
            {"text": "Youth hubs in the borough offer free sessions, training and a safe place in the "
                     "evenings.",
             "facts": ["Three youth hubs in the demo borough are open until 9pm on weekdays."]},
        ],
        "call_to_action": "Walk away and call 999 if someone is hurt. Share information anonymously at "
                          "fearless.org.",
        "ripe": ["prevention"],
        "tone": "encouraging",
        "variants": [
            {"channel": "Snapchat paid campaign", "language": "en",
             "body": "Fight starting? Walk away. Call 999 if someone's hurt. Don't film it.",
             "has_media": True,
             "alt_text": "Short vertical video: a young man puts his phone away and walks off from a crowd "
                         "gathering in a park.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
            {"channel": "Creator and influencer partnerships", "language": "en",
             "body": "**Creator brief: \"Walk away\"**\n\n"
                     "**Aim**: help 16 to 21-year-olds feel that walking away from a fight is normal and "
                     "respected.\n\n"
                     "**Please include**\n"
                     "- A real moment when you or someone you know stepped back.\n"
                     "- That joining in, even to help a friend, can end in injury or arrest.\n"
                     "- That filming and posting fights keeps them going.\n"
                     "- Where to go: local youth hubs, and fearless.org to share information anonymously.\n\n"
                     "**Please avoid**\n"
                     "- Showing fights, weapons or injuries.\n"
                     "- Calling groups of young people gangs.\n"
                     "- Police branding in the first three seconds.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "AWI",
        "qualifiers": [],
        "audience": "Officers and staff",
        "unit": "TP",
        "state": "approved",
        "review_in_days": 40,
        "concern": "What is expected of officers on the weekend night-time violence operation?",
        "key_messages": [
            {"text": "Be visible at the busiest times and places. Early, friendly contact with venues and "
                     "crowds prevents most trouble.",
             "facts": ["Patrol plans are based on the last eight weeks of assault data.",
                       "Peak demand in the demo data is between 1am and 3am."]},
            {"text": "Record every assault with injury fully, including body-worn video and victim details, "
                     "so cases can go to court.",
             "facts": ["Incomplete first accounts are a common reason cases do not progress."]},
            {"text": "Look out for people who are vulnerable through drink or drugs and use the welfare hub.",
             "facts": ["The welfare hub is staffed by paramedics and volunteers from 10pm on Saturdays."]},
        ],
        "call_to_action": "Read the full operation order on the intranet and raise questions with your duty "
                          "sergeant before your first shift.",
        "ripe": ["enforcement", "prevention"],
        "tone": "firm",
        "variants": [
            {"channel": "Internal briefing and intranet", "language": "en",
             "body": "**Weekend night-time violence operation: what we need from you**\n\n"
                     "- **Be seen.** Use the patrol plan; it targets the busiest streets and times.\n"
                     "- **Engage early.** Talk to door staff and crowds before tension builds.\n"
                     "- **Record well.** Body-worn video on, full first account, victim contact details "
                     "checked.\n"
                     "- **Protect the vulnerable.** Use the welfare hub for anyone at risk through drink or "
                     "drugs.\n"
                     "- **Debrief.** Note anything the next shift should know.\n\n"
                     "Questions: speak to your duty sergeant.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "AWI",
        "qualifiers": ["ASB_ESCALATION"],
        "audience": "Shops and food outlets near hotspots",
        "unit": "LX",
        "state": "approved_with_draft",
        "review_in_days": 75,
        "concern": "Groups gather outside our shop after school and arguments have started turning into "
                   "fights – what should we do?",
        "key_messages": [
            {"text": "You don't have to deal with it alone. Tell us early about problems that are getting "
                     "worse.",
             "facts": ["Reports from shops shape where after-school patrols go each week."]},
            {"text": "Never put yourself at risk. Keep doors clear, keep CCTV working and call 999 if "
                     "someone is hurt.",
             "facts": ["CCTV from shops has helped identify those responsible in demo cases."]},
            {"text": "Officers and youth workers are visiting the high street after school on weekdays this "
                     "term.",
             "facts": ["Patrols run from 3pm to 6pm, Monday to Friday, in term time."]},
        ],
        "call_to_action": "Report ongoing problems on 101 or online. Call 999 if violence is happening. "
                          "Speak to officers on the after-school patrol.",
        "ripe": ["prevention", "intelligence"],
        "tone": "reassuring",
        "variants": [
            {"channel": "Leaflets in shops and food outlets", "language": "en",
             "body": "**Trouble outside your shop after school?**\n\n"
                     "You don't have to deal with it alone.\n\n"
                     "- Tell us early if arguments are getting worse: call 101 or report online.\n"
                     "- Call 999 if violence is happening or someone is hurt.\n"
                     "- Keep your CCTV working and save footage.\n"
                     "- Never put yourself or your staff at risk.\n\n"
                     "Officers and youth workers visit the high street from 3pm to 6pm on school days.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Leaflets in shops and food outlets", "language": "tr",
             "body": "[Turkish translation — professional] **Trouble outside your shop after school?**\n\n"
                     "You don't have to deal with it alone.\n\n"
                     "- Tell us early if arguments are getting worse: call 101.\n"
                     "- Call 999 if violence is happening or someone is hurt.\n"
                     "- Keep your CCTV working and save footage.\n"
                     "- Never put yourself at risk.\n\n"
                     "Officers visit the high street from 3pm to 6pm on school days.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": "professional"},
        ],
    },
    # ------------------------------------------------------------------ SSO
    {
        "element": "SSO",
        "qualifiers": [],
        "audience": "Venue staff and door supervisors",
        "unit": "CW",
        "state": "approved",
        "review_in_days": 120,
        "concern": "How can bar and door staff help someone who seems vulnerable or is being pressured to "
                   "leave with a stranger?",
        "key_messages": [
            {"text": "If something feels wrong, step in. A simple check-in can stop a serious sexual offence "
                     "before it happens.",
             "facts": ["Asking \"Are you OK? Do you know this person?\" is often enough to change what "
                       "happens next.",
                       "Venues on the demo scheme have a named welfare lead on every shift."]},
            {"text": "Separate the person, offer a safe space and help them get home safely with someone "
                     "they trust.",
             "facts": ["Staff can arrange a licensed taxi or call a friend for the person."]},
            {"text": "Call police if someone is at risk. Note descriptions and keep CCTV so we can act.",
             "facts": ["Clear descriptions and footage help officers find the right person quickly."]},
        ],
        "call_to_action": "Call 999 if someone is in immediate danger. Report worrying behaviour on 101. "
                          "Keep CCTV and note descriptions.",
        "ripe": ["prevention", "intelligence"],
        "tone": "encouraging",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**For venue and door staff: stepping in**\n\n"
                     "You are often the first to notice when someone is at risk. If something feels wrong, "
                     "trust that feeling.\n\n"
                     "- Check in: \"Are you OK? Do you know this person?\"\n"
                     "- Take the person somewhere quiet and safe, away from the person bothering them.\n"
                     "- Help them get home with a friend or a licensed taxi.\n"
                     "- Call 999 if they are in immediate danger.\n"
                     "- Note descriptions and keep CCTV.\n\n"
                     "Thank you: stepping in really does make a difference.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "SMS to registered contacts", "language": "en",
             "body": "Venue staff: if a customer seems vulnerable or pressured, step in, keep them safe and "
                     "call 999 if at risk. Keep CCTV. Thank you.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "SSO",
        "qualifiers": [],
        "audience": "Women in the night-time economy",
        "unit": "SAPPHIRE",
        "state": "approved",
        "review_in_days": 90,
        "concern": "If something happens to me on a night out, will I be believed, and do I have to go to "
                   "the police straight away?",
        "key_messages": [
            {"text": "If you are sexually assaulted, it is never your fault. You will be listened to and "
                     "treated with respect.",
             "facts": ["Specialist officers are trained to support people reporting sexual offences.",
                       "What you were wearing or drinking is never a reason for an assault."]},
            {"text": "You choose what happens next. You can get medical care and support even if you are not "
                     "ready to report.",
             "facts": ["Sexual assault referral centres give care and can store evidence while you decide."]},
            {"text": "Specialist officers investigate sexual offences and can support you at every step.",
             "facts": ["Independent sexual violence advisers can stay with you through the whole process."]},
        ],
        "call_to_action": "In an emergency, call 999. Report on 101 or online. For confidential support, "
                          "contact Rape Crisis or a sexual assault referral centre.",
        "ripe": ["reassurance"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Force Instagram and TikTok", "language": "en",
             "body": "It's never your fault.\n\n"
                     "If you have been sexually assaulted, you will be listened to and treated with "
                     "respect. You choose what happens next.\n\n"
                     "- You can get medical care and support without reporting.\n"
                     "- A sexual assault referral centre can store evidence while you decide.\n"
                     "- Rape Crisis offers free, confidential support.\n\n"
                     "Ready to report? Call 101 or report online. In an emergency, call 999.",
             "has_media": True,
             "alt_text": "Video: a woman sits calmly with a friend on a bench at night while on-screen text "
                         "reads \"It's never your fault\" and lists where to get support.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
            {"channel": "Posters and screens at transport hubs", "language": "en",
             "body": "It's never your fault. Get support, and report when you're ready.",
             "has_media": True,
             "alt_text": "Looping screen animation: soft night-time street lights with the words \"It's "
                         "never your fault\" and Rape Crisis contact details.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
        ],
    },
    {
        "element": "SSO",
        "qualifiers": [],
        "audience": "Pupils aged 11–16 in secondary schools",
        "unit": "SAPPHIRE",
        "state": "draft",
        "review_in_days": 160,
        "concern": "What counts as sexual assault or pressure, and who can I tell if it happens to me or a "
                   "friend?",
        "key_messages": [
            {"text": "Consent means freely saying yes. Pressure, threats or someone being too drunk to "
                     "decide means there is no consent.",
             "facts": ["Anyone can change their mind at any time."]},
            {"text": "Sharing sexual images of anyone under 18 is against the law, even if they sent them "
                     "first.",
             "facts": ["Report Remove, from Childline and the IWF, helps young people get images taken "
                       "down."]},
            {"text": "If something has happened, tell a trusted adult. It's not your fault, and getting help "
                     "is always right.",
             "facts": ["Every school has a designated safeguarding lead who is trained to help."]},
        ],
        "call_to_action": "Talk to your school's safeguarding lead or a trusted adult. Childline is free on "
                          "0800 1111. In an emergency, call 999.",
        "ripe": ["prevention"],
        "tone": "informative",
        "variants": [
            {"channel": "School assemblies and lessons", "language": "en",
             "body": "**PSHE lesson notes: consent and pressure (Years 9 to 11)**\n\n"
                     "Agree ground rules first: no personal stories, and anyone can step out.\n\n"
                     "1. What consent means: a free, clear yes that can be taken back at any time.\n"
                     "2. What it is not: pressure, threats, guilt, or someone too drunk to decide.\n"
                     "3. Images: sharing sexual images of under-18s is against the law. Report Remove can "
                     "help get them taken down.\n"
                     "4. If something happens: it is not your fault. Tell a trusted adult or the "
                     "safeguarding lead.\n\n"
                     "End by naming the school's safeguarding lead and sharing Childline (0800 1111).",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "SSO",
        "qualifiers": [],
        "audience": "Designated safeguarding leads in schools",
        "unit": "SAPPHIRE",
        "state": "in_review",
        "review_in_days": 60,
        "concern": "A pupil has disclosed a sexual assault outside school – what do we do next, and will "
                   "police take over?",
        "key_messages": [
            {"text": "Listen, reassure and record the pupil's own words. Don't investigate or ask leading "
                     "questions.",
             "facts": ["Notes made at the time, in the pupil's words, are valuable later on."]},
            {"text": "Follow your safeguarding policy, refer to children's social care and contact police "
                     "the same day.",
             "facts": ["A strategy discussion usually brings school, social care and police together "
                       "quickly."]},
            {"text": "Specialist officers will plan next steps with you and social care, keeping the pupil "
                     "at the centre.",
             "facts": ["Specialist interviews take place in child-friendly settings."]},
        ],
        "call_to_action": "Call 999 if a child is in immediate danger. Otherwise refer to children's social "
                          "care and call 101, or speak to your Safer Schools officer.",
        "ripe": ["intelligence", "prevention"],
        "tone": "informative",
        "variants": [
            {"channel": "School assemblies and lessons", "language": "en",
             "body": "**Staff note for safeguarding leads: disclosures of sexual assault**\n\n"
                     "- **Listen** calmly and reassure the pupil they have done the right thing.\n"
                     "- **Don't investigate.** Avoid leading questions and do not contact the alleged "
                     "offender.\n"
                     "- **Record** what was said in the pupil's own words, with date and time.\n"
                     "- **Refer** to children's social care and contact police the same day.\n"
                     "- **Protect** the pupil's privacy: share only with those who need to know.\n\n"
                     "If a child is in immediate danger, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "SSO",
        "qualifiers": ["REPEAT_VICTIM"],
        "audience": "Officers and staff",
        "unit": "SAPPHIRE",
        "state": "approved_with_draft",
        "review_in_days": 45,
        "concern": "How should officers respond when someone reports a sexual offence for a second or third "
                   "time?",
        "key_messages": [
            {"text": "Believe first and record accurately. Previous reports are a sign of risk, not a reason "
                     "to doubt.",
             "facts": ["People who have been abused before are at higher risk of being targeted again."]},
            {"text": "Check for linked reports and suspects, and refer to specialist investigators the same "
                     "shift.",
             "facts": ["Linked reports can reveal a pattern that one report alone would not."]},
            {"text": "Offer an independent sexual violence adviser every time, even if support was refused "
                     "before.",
             "facts": ["Circumstances change; an offer turned down before may be welcome now."]},
        ],
        "call_to_action": "Read the updated guidance on the intranet and speak to your Sapphire team for "
                          "advice on any case.",
        "ripe": ["enforcement"],
        "tone": "firm",
        "variants": [
            {"channel": "Internal briefing and intranet", "language": "en",
             "body": "**Repeat reports of sexual offences: our standard**\n\n"
                     "- Believe first. A previous report is a sign of risk, not doubt.\n"
                     "- Record fully and accurately, in the victim's words.\n"
                     "- Search for linked reports, suspects and locations.\n"
                     "- Refer to specialist investigators the same shift.\n"
                     "- Offer an independent sexual violence adviser every time.\n\n"
                     "Contact your Sapphire team for advice on any case.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "SSO",
        "qualifiers": [],
        "audience": "Youth workers and mentors",
        "unit": "SAPPHIRE",
        "state": "approved",
        "review_in_days": 110,
        "concern": "What are the signs that a young person I work with is being sexually exploited, and how "
                   "do I pass it on?",
        "key_messages": [
            {"text": "Watch for older 'friends', new phones or gifts, going missing and going quiet about "
                     "where they have been.",
             "facts": ["Exploitation often starts with attention and gifts before any harm is obvious."]},
            {"text": "Share concerns even if you're not sure. Small pieces of information help build a "
                     "clearer picture.",
             "facts": ["Partnership panels combine reports from schools, youth services and police."]},
            {"text": "The young person is a victim, never to blame, even if they seem to agree.",
             "facts": ["Children cannot consent to their own exploitation."]},
        ],
        "call_to_action": "Follow your safeguarding procedure and refer to children's social care. Call 101 "
                          "with information, or 999 if a child is in danger.",
        "ripe": ["intelligence", "prevention"],
        "tone": "informative",
        "variants": [
            {"channel": "Youth service and mentor networks", "language": "en",
             "body": "**Spotting sexual exploitation: a quick guide for youth workers**\n\n"
                     "**Signs to watch for**\n"
                     "- Older 'friends' or partners, or being picked up in cars\n"
                     "- New phones, clothes or money they can't explain\n"
                     "- Going missing, or staying out late without saying where\n"
                     "- Becoming withdrawn, secretive or suddenly angry\n\n"
                     "**What to do**\n"
                     "- Don't wait to be certain. Record what you see and hear.\n"
                     "- Follow your safeguarding procedure and refer to children's social care.\n"
                     "- Pass information to police on 101, or 999 if a child is in danger.\n\n"
                     "The young person is always the victim.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    # ------------------------------------------------------------------ ROB
    {
        "element": "ROB",
        "qualifiers": [],
        "audience": "Pupils aged 11–16 in secondary schools",
        "unit": "STC",
        "state": "approved",
        "review_in_days": 75,
        "concern": "Is it safe to wait at the bus stop after school, and what should I do if someone tries "
                   "to take my phone?",
        "key_messages": [
            {"text": "Keep your phone and earbuds out of sight at bus stops, especially straight after "
                     "school.",
             "facts": ["In this demo data, most robberies of pupils happen within an hour of the school "
                       "day ending."]},
            {"text": "If someone demands your things, let them go. Your phone can be replaced; you can't.",
             "facts": ["Phones can often be tracked and blocked once reported."]},
            {"text": "Officers patrol busy bus stops after school, so tell them or a driver if something "
                     "feels wrong.",
             "facts": ["Officers patrol the three main bus interchanges from 3pm to 6.30pm on school days.",
                       "Bus drivers can radio for help straight away."]},
        ],
        "call_to_action": "In an emergency, call 999. Report robbery on 101 or online. Tell Fearless "
                          "anonymously at fearless.org.",
        "ripe": ["prevention", "reassurance"],
        "tone": "encouraging",
        "variants": [
            {"channel": "Snapchat paid campaign", "language": "en",
             "body": "At the bus stop after school? Phone away, earbuds in your bag.",
             "has_media": True,
             "alt_text": "Vertical video: a pupil at a bus stop slides their phone into an inside pocket as "
                         "the bus pulls in.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
            {"channel": "School assemblies and lessons", "language": "en",
             "body": "**Tutor-time notes: getting home safely**\n\n"
                     "- Most journeys home are safe. A few simple habits make them safer.\n"
                     "- Keep phones and earbuds out of sight at bus stops and on the walk home.\n"
                     "- Travel with friends where you can, and stick to busy, well-lit routes.\n"
                     "- If someone demands your things, hand them over. You matter more than a phone.\n"
                     "- Tell a driver, an officer or a shop worker if something feels wrong.\n\n"
                     "Officers patrol the main bus interchanges after school. Report robbery on 101, or "
                     "anonymously at fearless.org.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "ROB",
        "qualifiers": [],
        "audience": "Parents and carers of secondary-age children",
        "unit": "TP",
        "state": "in_review",
        "review_in_days": 90,
        "concern": "My daughter was nearly robbed on the way home from school – how can I help her feel safe "
                   "travelling again?",
        "key_messages": [
            {"text": "Robbery of young people is most common on the journey home. A simple plan helps them "
                     "feel in control.",
             "facts": ["In this demo data, weekday afternoons see the most robberies of under-18s."]},
            {"text": "Agree a route with busy places, a check-in message and a rule: hand it over, never "
                     "fight back.",
             "facts": ["Shops on the local safe haven scheme display a sticker in the window."]},
            {"text": "Report every robbery or attempt, even if nothing was taken. It helps us put patrols in "
                     "the right place.",
             "facts": ["Patrol times at bus interchanges are set using recent reports."]},
        ],
        "call_to_action": "Report on 101 or online, or call 999 in an emergency. Note your child's phone "
                          "IMEI number so it can be blocked if stolen.",
        "ripe": ["prevention", "intelligence"],
        "tone": "reassuring",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Helping your child travel home safely**\n\n"
                     "Most journeys home are safe, but robberies of young people do happen, usually on "
                     "weekday afternoons. A simple plan can help your child feel in control.\n\n"
                     "- Agree a route that passes busy places and shops.\n"
                     "- Ask for a quick check-in message when they leave school.\n"
                     "- Make one rule clear: if someone demands their things, hand them over.\n"
                     "- Note the phone's IMEI number (dial *#06#) so it can be blocked.\n\n"
                     "Please report every robbery or attempt on 101 or online. In an emergency, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Community and diaspora radio", "language": "bn",
             "body": "[Bengali translation — professional] Script, about 40 seconds.\n\n"
                     "Parents, most journeys home from school are safe. But if your child has been "
                     "frightened or robbed, a simple plan can help. Agree a busy route, ask for a message "
                     "when they leave school, and tell them: if someone demands your phone, hand it over. "
                     "Please report every robbery, even if nothing was taken, on 101 or online. In an "
                     "emergency, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": "professional"},
        ],
    },
    {
        "element": "ROB",
        "qualifiers": ["WEAPON"],
        "audience": "Residents of wards affected by a recent incident",
        "unit": "KF",
        "state": "draft",
        "review_in_days": 30,
        "concern": "There have been robberies at knifepoint near the station – what are police doing and how "
                   "do we stay safe?",
        "key_messages": [
            {"text": "We have seen a rise in robberies near the station and have more officers there in the "
                     "evenings.",
             "facts": ["Extra patrols run from 5pm to midnight, seven days a week, for the next month."]},
            {"text": "Stay aware on your phone, walk in well-lit areas and never resist if a weapon "
                     "is shown.",
             "facts": ["Property can be replaced; your safety comes first."]},
            {"text": "Detectives are reviewing CCTV and linking cases. Please pass on anything you "
                     "have seen.",
             "facts": ["CCTV from homes and businesses near the station has already helped in demo cases."]},
        ],
        "call_to_action": "Call 999 if it is happening now. Report on 101, or tell Crimestoppers anonymously "
                          "on 0800 555 111.",
        "ripe": ["reassurance", "enforcement", "intelligence"],
        "tone": "firm",
        "variants": [
            {"channel": "Borough X (Twitter) accounts", "language": "en",
             "body": "There have been several robberies near Stratford station recently. You'll see more "
                     "officers there every evening. Never resist if a weapon is shown. Info? Call 101 or "
                     "Crimestoppers anonymously: 0800 555 111.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Robberies near the station: what we are doing**\n\n"
                     "We have seen a rise in robberies near the station, some involving a knife. We are "
                     "taking this very seriously.\n\n"
                     "**What we are doing**\n"
                     "- More officers around the station from 5pm to midnight, every day\n"
                     "- Detectives reviewing CCTV and linking cases\n\n"
                     "**Staying safe**\n"
                     "- Keep phones out of sight when walking.\n"
                     "- Use busy, well-lit routes.\n"
                     "- Never resist if a weapon is shown.\n\n"
                     "Call 999 if it is happening now. Report on 101, or Crimestoppers on 0800 555 111.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "ROB",
        "qualifiers": ["REPEAT_VICTIM"],
        "audience": "Young people aged 16–21 outside education",
        "unit": "MD",
        "state": "in_review",
        "review_in_days": 120,
        "concern": "I've been robbed twice this year and reporting didn't seem to change anything – why "
                   "should I bother again?",
        "key_messages": [
            {"text": "Being robbed more than once is not your fault. Every report helps us spot patterns and "
                     "the same offenders.",
             "facts": ["A small number of offenders commit a large share of robberies in this demo data."]},
            {"text": "You can get support after a robbery, even if no one is caught.",
             "facts": ["Victim Support offers free, confidential help after any crime, reported or not."]},
            {"text": "Report online in a few minutes. You don't have to go to a police station.",
             "facts": ["Online reports are checked by officers the same day."]},
        ],
        "call_to_action": "Report on 101 or online. For support, call Victim Support free on 0808 168 9111. "
                          "Call 999 in an emergency.",
        "ripe": ["intelligence", "reassurance"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Snapchat paid campaign", "language": "en",
             "body": "Robbed again? Not your fault. Report online in minutes.",
             "has_media": True,
             "alt_text": "Short video: a young man on a bus fills in a report on his phone, then nods and "
                         "puts it away.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
            {"channel": "Force Instagram and TikTok", "language": "en",
             "body": "Robbed more than once? It's not your fault, and it's worth reporting again.\n\n"
                     "Every report helps us link cases and find the people doing it. It only takes a few "
                     "minutes online, and you don't need to go to a station.\n\n"
                     "Need to talk? Victim Support is free and confidential: 0808 168 9111.\n\n"
                     "In an emergency, call 999.",
             "has_media": True,
             "alt_text": "Video: a young woman explains to camera, in her own words, why she reported a "
                         "second robbery; text on screen shows how to report online.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
        ],
    },
    {
        "element": "ROB",
        "qualifiers": [],
        "audience": "Shops and food outlets near hotspots",
        "unit": "HT",
        "state": "approved",
        "review_in_days": 150,
        "concern": "A young person ran into our shop after being robbed – what should we do, and can we be a "
                   "safe place?",
        "key_messages": [
            {"text": "Let them in, keep them calm and call 999 if the robbery has just happened or they are "
                     "hurt.",
             "facts": ["A quick call means officers can search the area while offenders are still close."]},
            {"text": "Your shop can be a safe place. Join the local safe haven scheme and display the "
                     "sticker.",
             "facts": ["Over forty shops in the demo borough are on the safe haven scheme."]},
            {"text": "Keep CCTV and note descriptions. It helps officers act quickly.",
             "facts": ["Officers may ask for footage, so keep it for at least 31 days."]},
        ],
        "call_to_action": "Call 999 if a robbery has just happened. Ask your local team on 101 about joining "
                          "the safe haven scheme.",
        "ripe": ["reassurance", "prevention"],
        "tone": "encouraging",
        "variants": [
            {"channel": "Leaflets in shops and food outlets", "language": "en",
             "body": "**Be a safe haven**\n\n"
                     "If a young person runs in after being robbed or threatened:\n\n"
                     "- Let them in and keep them calm.\n"
                     "- Call 999 if it has just happened or they are hurt.\n"
                     "- Let them call a parent or carer.\n"
                     "- Keep CCTV and note descriptions.\n\n"
                     "Want to join the safe haven scheme? Ask your local team on 101.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Leaflets in shops and food outlets", "language": "bn",
             "body": "[Bengali translation — community reviewed] **Be a safe haven**\n\n"
                     "If a young person runs in after being robbed or threatened:\n\n"
                     "- Let them in and keep them calm.\n"
                     "- Call 999 if it has just happened or they are hurt.\n"
                     "- Let them call a parent or carer.\n"
                     "- Keep CCTV and note descriptions.\n\n"
                     "To join the safe haven scheme, call 101.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": "community_reviewed"},
        ],
    },
    # ------------------------------------------------------------------ HATE
    {
        "element": "HATE",
        "qualifiers": [],
        "audience": "Faith and community leaders",
        "unit": "TP",
        "state": "approved",
        "review_in_days": 120,
        "concern": "Members of our congregation are abused in the street but don't think police will take it "
                   "seriously.",
        "key_messages": [
            {"text": "Hate crime is never acceptable. We take every report seriously and will investigate.",
             "facts": ["Every borough has a hate crime lead who reviews reports each week."]},
            {"text": "People can report online through True Vision or at a third-party reporting centre if "
                     "they prefer not to contact police directly.",
             "facts": ["Third-party reporting centres include some faith venues, libraries and charities.",
                       "True Vision reports are passed to the local police force."]},
            {"text": "Your support matters. When leaders encourage reporting, more people come forward and "
                     "we can act.",
             "facts": ["Many hate crimes are never reported, so patterns can stay hidden."]},
        ],
        "call_to_action": "Report hate crime on 101, online at True Vision, or at a third-party reporting "
                          "centre. In an emergency, call 999.",
        "ripe": ["reassurance", "intelligence"],
        "tone": "reassuring",
        "variants": [
            {"channel": "Faith venue briefings", "language": "en",
             "body": "**Briefing for faith leaders: hate crime**\n\n"
                     "Hate crime is never acceptable, and we want to hear about every incident.\n\n"
                     "**Please share with your community**\n"
                     "- Abuse, threats or attacks because of faith, race, sexuality, disability or gender "
                     "identity can be a crime.\n"
                     "- People can report on 101, online through True Vision, or at a third-party reporting "
                     "centre.\n"
                     "- Call 999 if anyone is in danger.\n\n"
                     "**How you can help**\n"
                     "- Encourage people to report, even incidents that seem minor.\n"
                     "- Consider becoming a third-party reporting centre. Your local hate crime lead can "
                     "explain how.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Faith venue briefings", "language": "ur",
             "body": "[Urdu translation — professional] **Hate crime is never acceptable**\n\n"
                     "- If you are abused, threatened or attacked because of your faith, please report it.\n"
                     "- You can call 101, report online through True Vision, or visit a third-party "
                     "reporting centre.\n"
                     "- In an emergency, call 999.\n\n"
                     "Every report helps us protect your community.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": "professional"},
        ],
    },
    {
        "element": "HATE",
        "qualifiers": ["REPEAT_VICTIM"],
        "audience": "Victims of hate crime and their families",
        "unit": "HT",
        "state": "approved",
        "review_in_days": 60,
        "concern": "We keep reporting abuse from the same people and it keeps happening – is anyone actually "
                   "doing anything?",
        "key_messages": [
            {"text": "We know repeated abuse wears people down. You will have a named officer who keeps you "
                     "updated.",
             "facts": ["In this demo scheme, named officers contact repeat victims every fortnight."]},
            {"text": "Every report helps us build a case for stronger action, like injunctions or arrest.",
             "facts": ["Police and housing providers can act together when abuse comes from neighbours."]},
            {"text": "Free, confidential support is there for you and your family, whether or not the case "
                     "goes to court.",
             "facts": ["Support is available in community languages and with BSL interpreters."]},
        ],
        "call_to_action": "Call 999 if you are in danger. Report on 101 or through True Vision. Ask your "
                          "named officer about support services.",
        "ripe": ["reassurance", "enforcement"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**If hate crime keeps happening to you**\n\n"
                     "We know it is hard when abuse keeps happening. You are not alone.\n\n"
                     "- You will have a named officer who keeps you updated.\n"
                     "- Please report every incident, even small ones.\n"
                     "- Each report helps us take stronger action.\n"
                     "- You and your family can get free support.\n\n"
                     "Report on 101 or through True Vision. In danger? Call 999.\n\n"
                     "This message is also available in Easy Read and as a BSL video.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": True, "bsl": True,
             "translation_status": ""},
            {"channel": "SMS to registered contacts", "language": "en",
             "body": "Your named officer will call this week. Please report each new incident: 101 or True "
                     "Vision. In danger? Call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": True, "bsl": True,
             "translation_status": ""},
        ],
    },
    {
        "element": "HATE",
        "qualifiers": [],
        "audience": "Residents of wards affected by a recent incident",
        "unit": "GD",
        "state": "in_review",
        "review_in_days": 30,
        "concern": "After the racist graffiti and attack on the high street, what are police doing and is "
                   "our community safe?",
        "key_messages": [
            {"text": "We are treating this as a hate crime. Detectives are investigating and the graffiti "
                     "has been removed.",
             "facts": ["The council removed the graffiti within 24 hours of the report."]},
            {"text": "There will be more patrols on the high street and near places of worship this week.",
             "facts": ["Officers are visiting places of worship to speak with leaders and worshippers."]},
            {"text": "If you saw anything or have footage, please tell us. You can report anonymously.",
             "facts": ["Crimestoppers does not ask for your name or trace calls."]},
        ],
        "call_to_action": "Call 101 or report through True Vision. Share information anonymously with "
                          "Crimestoppers on 0800 555 111. In an emergency, call 999.",
        "ripe": ["reassurance", "intelligence"],
        "tone": "firm",
        "variants": [
            {"channel": "Borough X (Twitter) accounts", "language": "en",
             "body": "We're treating Tuesday's attack and graffiti on Mare Street as a hate crime. "
                     "Detectives are investigating and patrols are stepped up. Hate has no place in Hackney. "
                     "Info? 101 or Crimestoppers: 0800 555 111.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Ward panels and community meetings", "language": "en",
             "body": "**Notes for the ward panel: hate incident on the high street**\n\n"
                     "- Confirm we are treating the incident as a hate crime and it is being investigated.\n"
                     "- Explain the extra patrols on the high street and near places of worship.\n"
                     "- Invite residents to share concerns and places where they feel unsafe.\n"
                     "- Share reporting routes: 101, True Vision, third-party reporting centres and "
                     "Crimestoppers.\n"
                     "- Do not discuss details of the victim.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "HATE",
        "qualifiers": ["GROUP"],
        "audience": "Pupils aged 11–16 in secondary schools",
        "unit": "TP",
        "state": "draft",
        "review_in_days": 140,
        "concern": "A group at school keep saying racist and homophobic things to one student – what can I "
                   "do if I'm scared to get involved?",
        "key_messages": [
            {"text": "Hate because of who someone is is never banter. It hurts, and it can be a crime.",
             "facts": ["Hate can be about race, religion, sexuality, disability or gender identity."]},
            {"text": "You don't have to confront anyone. Check the person is OK and tell a trusted adult.",
             "facts": ["Schools must record and act on reports of prejudice-based bullying."]},
            {"text": "Save screenshots of online abuse and report it on the app as well as to school.",
             "facts": ["Online hate can also be reported through True Vision."]},
        ],
        "call_to_action": "Tell a teacher or your Safer Schools officer. Report online hate through True "
                          "Vision. In an emergency, call 999.",
        "ripe": ["prevention"],
        "tone": "encouraging",
        "variants": [
            {"channel": "School assemblies and lessons", "language": "en",
             "body": "**Assembly notes: \"It's not banter\"**\n\n"
                     "1. Start with a question: where is the line between a joke and hate?\n"
                     "2. Explain that picking on someone because of who they are hurts, and can be a crime.\n"
                     "3. Being an upstander does not mean confronting anyone. Check the person is OK, "
                     "then tell an adult.\n"
                     "4. Online: screenshot, report on the app, and tell school.\n\n"
                     "Close by naming who pupils can talk to, including the Safer Schools officer.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "HATE",
        "qualifiers": [],
        "audience": "Officers and staff",
        "unit": None,
        "state": "approved",
        "review_in_days": 180,
        "concern": "How should officers identify and record a hate crime when the victim isn't sure "
                   "themselves?",
        "key_messages": [
            {"text": "If the victim or anyone else thinks it was motivated by hostility, record it as a hate "
                     "crime or incident.",
             "facts": ["Perception by the victim or any other person is enough to flag the record."]},
            {"text": "Ask the right questions, capture the words used and check for previous incidents at "
                     "the address.",
             "facts": ["Exact words used are often key evidence in hate crime cases."]},
            {"text": "Tell victims about True Vision and third-party reporting so they can report future "
                     "incidents easily.",
             "facts": ["Some victims find third-party centres easier to approach than police."]},
        ],
        "call_to_action": "Use the hate crime flag on every relevant record. Contact your borough hate crime "
                          "lead for advice.",
        "ripe": ["enforcement", "intelligence"],
        "tone": "firm",
        "variants": [
            {"channel": "Internal briefing and intranet", "language": "en",
             "body": "**Recording hate crime: getting it right first time**\n\n"
                     "- **Perception counts.** If the victim or anyone else believes hostility was the "
                     "motive, flag it.\n"
                     "- **Capture the words.** Record exactly what was said or written.\n"
                     "- **Check history.** Look for previous incidents linked to the victim or address.\n"
                     "- **Signpost.** Tell victims about True Vision and third-party reporting centres.\n\n"
                     "Your borough hate crime lead can advise on any case.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "HATE",
        "qualifiers": [],
        "audience": "Victims of hate crime and their families",
        "unit": "KF",
        "state": "draft",
        "review_in_days": 90,
        "concern": "I was shouted at and spat on because of my religion – is it worth reporting if I didn't "
                   "see who it was?",
        "key_messages": [
            {"text": "Yes, it is worth reporting. Even without a name, details like time and place help us "
                     "act.",
             "facts": ["Reports help us decide where to patrol and where to look at CCTV."]},
            {"text": "You can report in the way that feels right: by phone, online or with someone "
                     "you trust.",
             "facts": ["Third-party reporting centres can help you report without going to a police "
                       "station."]},
            {"text": "Support is free and confidential, and you can have a language or BSL interpreter.",
             "facts": ["Easy Read versions of our hate crime guides are available."]},
        ],
        "call_to_action": "Report on 101, online via True Vision, or at a third-party reporting centre. Call "
                          "999 if you are in danger.",
        "ripe": ["reassurance", "intelligence"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Community and diaspora radio", "language": "en",
             "body": "Script, about 30 seconds.\n\n"
                     "If someone has abused you because of your religion, race, disability, sexuality or "
                     "gender identity, it is worth reporting, even if you didn't see who it was. Details "
                     "like the time and place help us act. You can call 101, report online through True "
                     "Vision, or go to a third-party reporting centre. Support is free and confidential. "
                     "If you are in danger, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": True, "bsl": True,
             "translation_status": ""},
            {"channel": "Posters and screens at transport hubs", "language": "en",
             "body": "Hate crime is never OK. Report it: 101, True Vision or a reporting centre.",
             "has_media": True,
             "alt_text": "Poster: a bus stop at dusk with the words \"Hate crime is never OK\" and a list of "
                         "ways to report.",
             "captions": False, "easy_read": True, "bsl": True, "translation_status": ""},
        ],
    },
    # ------------------------------------------------------------------ DV
    {
        "element": "DV",
        "qualifiers": [],
        "audience": "Parents and carers of secondary-age children",
        "unit": None,
        "state": "approved",
        "review_in_days": 120,
        "concern": "My teenager's partner checks her phone and tells her who she can see – is that normal, "
                   "or is it abuse?",
        "key_messages": [
            {"text": "Checking phones, controlling who someone sees and constant put-downs are abuse, even "
                     "in teenage relationships.",
             "facts": ["Controlling behaviour often starts small and builds over time.",
                       "Young people may see jealousy as a sign of love."]},
            {"text": "Stay close and don't judge. Young people open up when they feel listened to, not told "
                     "off.",
             "facts": ["Criticising the partner can push a young person to defend them."]},
            {"text": "Free, confidential advice is available day and night from the National Domestic Abuse "
                     "Helpline.",
             "facts": ["The helpline can advise parents and carers as well as people experiencing abuse."]},
        ],
        "call_to_action": "Call the National Domestic Abuse Helpline free on 0808 2000 247, any time. In an "
                          "emergency, call 999.",
        "ripe": ["prevention"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Is your teenager's relationship healthy?**\n\n"
                     "Controlling behaviour is abuse, at any age. Signs include a partner who:\n\n"
                     "- checks their phone or messages\n"
                     "- decides who they can see or what they wear\n"
                     "- puts them down or makes them feel scared\n\n"
                     "**What helps**\n"
                     "- Stay close and listen without judging.\n"
                     "- Talk about what a healthy relationship looks like.\n"
                     "- Let them know they can always come to you.\n\n"
                     "For free, confidential advice, call the National Domestic Abuse Helpline on "
                     "0808 2000 247, day or night. In an emergency, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Community and diaspora radio", "language": "en",
             "body": "Script, about 30 seconds.\n\n"
                     "Does your son or daughter's partner check their phone, or tell them who they can see? "
                     "That is controlling behaviour, and it is abuse, even at a young age. Stay close, "
                     "listen, and don't judge. For free advice, any time, call the National Domestic Abuse "
                     "Helpline on 0808 2000 247. In an emergency, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "DV",
        "qualifiers": [],
        "audience": "Officers and staff",
        "unit": None,
        "state": "in_review",
        "review_in_days": 60,
        "concern": "How do we recognise coercive control at a call where there's no injury and the victim "
                   "says everything is fine?",
        "key_messages": [
            {"text": "Coercive control is a crime. Look for isolation, control of money or phones, and fear, "
                     "not only injuries.",
             "facts": ["Many high-risk cases in demo reviews had no visible injury at first contact."]},
            {"text": "Speak to the victim alone, use body-worn video and complete a risk assessment every "
                     "time.",
             "facts": ["Body-worn footage can support a prosecution even if the victim withdraws."]},
            {"text": "Colleagues affected by abuse can get confidential help, including from the National "
                     "Domestic Abuse Helpline.",
             "facts": ["The staff wellbeing service offers confidential support for police employees."]},
        ],
        "call_to_action": "Complete the risk assessment at every domestic call. Staff needing support can "
                          "call 0808 2000 247 or contact the staff wellbeing service.",
        "ripe": ["enforcement", "prevention"],
        "tone": "firm",
        "variants": [
            {"channel": "Internal briefing and intranet", "language": "en",
             "body": "**Coercive control: look beyond injuries**\n\n"
                     "At every domestic call, ask yourself: who has the power here?\n\n"
                     "- Is the victim cut off from friends or family?\n"
                     "- Does someone control their money, phone or movements?\n"
                     "- Do they seem afraid to speak in front of the other person?\n\n"
                     "**Every time**\n"
                     "- Speak to the victim alone.\n"
                     "- Keep body-worn video running.\n"
                     "- Complete the risk assessment, even if they say everything is fine.\n\n"
                     "If you are affected by abuse yourself, confidential help is available from the staff "
                     "wellbeing service or the National Domestic Abuse Helpline (0808 2000 247).",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "DV",
        "qualifiers": ["REPEAT_VICTIM"],
        "audience": "Faith and community leaders",
        "unit": "TP",
        "state": "draft",
        "review_in_days": 100,
        "concern": "A woman in our community has told me her husband hurts her again and again – how can I "
                   "help without making it worse?",
        "key_messages": [
            {"text": "Believe her, keep it private and let her lead. Never bring the couple together to talk "
                     "it through.",
             "facts": ["Joint meetings or mediation can increase the danger to someone experiencing abuse."]},
            {"text": "Share the helpline and, if she agrees, help her contact specialist support or police.",
             "facts": ["Specialist advocates can help with safety planning, housing and court."]},
            {"text": "If anyone is in immediate danger, call 999 straight away.",
             "facts": ["If speaking is unsafe, a 999 caller can press 55 when prompted on a mobile."]},
        ],
        "call_to_action": "National Domestic Abuse Helpline: 0808 2000 247, free and confidential, day and "
                          "night. Call 999 in an emergency.",
        "ripe": ["prevention", "reassurance"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Faith venue briefings", "language": "en",
             "body": "**Briefing for faith leaders: when someone tells you about domestic abuse**\n\n"
                     "**Do**\n"
                     "- Believe her and thank her for trusting you.\n"
                     "- Keep what she tells you private.\n"
                     "- Let her decide what happens next.\n"
                     "- Share the National Domestic Abuse Helpline: 0808 2000 247.\n\n"
                     "**Don't**\n"
                     "- Bring the couple together to talk or reconcile.\n"
                     "- Speak to the husband or wider family about it.\n\n"
                     "If anyone is in immediate danger, call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "DV",
        "qualifiers": [],
        "audience": "Shops and food outlets near hotspots",
        "unit": "KF",
        "state": "approved_with_draft",
        "review_in_days": 150,
        "concern": "If a customer quietly tells our staff they are scared to go home, what should we do?",
        "key_messages": [
            {"text": "Stay calm, listen and offer a quiet place and a phone. Let them decide what happens "
                     "next.",
             "facts": ["Some people have few chances to seek help away from their abuser."]},
            {"text": "If they are in danger now, call 999 for them. If not, share the helpline number.",
             "facts": ["The National Domestic Abuse Helpline is free and open day and night."]},
            {"text": "Don't confront anyone or tell others. Keeping it private keeps them safe.",
             "facts": ["Word getting back to an abuser can put someone at greater risk."]},
        ],
        "call_to_action": "Call 999 if someone is in immediate danger. National Domestic Abuse Helpline: "
                          "0808 2000 247, free, day and night.",
        "ripe": ["prevention"],
        "tone": "informative",
        "variants": [
            {"channel": "Leaflets in shops and food outlets", "language": "en",
             "body": "**If a customer says they're scared to go home**\n\n"
                     "- Stay calm and listen.\n"
                     "- Offer a quiet place and a phone.\n"
                     "- Call 999 if they are in danger now.\n"
                     "- If not, share the National Domestic Abuse Helpline: 0808 2000 247.\n"
                     "- Keep it private. Don't confront anyone.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "DV",
        "qualifiers": [],
        "audience": "Councillors, MOPAC and the Violence Reduction Unit",
        "unit": None,
        "state": "approved",
        "review_in_days": 90,
        "concern": "What are police and partners doing about domestic abuse in the borough, and how can "
                   "councillors help?",
        "key_messages": [
            {"text": "Domestic abuse makes up a large share of violent crime. Tackling it is a priority for "
                     "police and partners.",
             "facts": ["In this demo data, around a third of assaults with injury are domestic."]},
            {"text": "Repeat offenders are being targeted, and specialist advocates support victims at the "
                     "highest risk.",
             "facts": ["High-risk cases are reviewed at a monthly multi-agency risk meeting."]},
            {"text": "Councillors can help by sharing helpline details and pointing residents to local "
                     "specialist services.",
             "facts": ["Ward newsletters reach many households that police messages do not."]},
        ],
        "call_to_action": "Share the National Domestic Abuse Helpline, 0808 2000 247, in ward newsletters. "
                          "Raise concerns with the borough domestic abuse lead.",
        "ripe": ["enforcement", "prevention"],
        "tone": "informative",
        "variants": [
            {"channel": "Press releases and briefings", "language": "en",
             "body": "**Partner briefing: domestic abuse**\n\n"
                     "**The picture**\n"
                     "- Domestic abuse accounts for a large share of violent crime in the borough.\n"
                     "- Much of it is never reported.\n\n"
                     "**What we are doing**\n"
                     "- Targeting the most harmful repeat offenders.\n"
                     "- Reviewing high-risk cases monthly with partners.\n"
                     "- Funding specialist advocates alongside the council.\n\n"
                     "**How you can help**\n"
                     "- Include the National Domestic Abuse Helpline (0808 2000 247) in ward materials.\n"
                     "- Refer concerns to the borough domestic abuse lead.\n"
                     "- Never share details that could identify a victim.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    # ------------------------------------------------------------------ HAR
    {
        "element": "HAR",
        "qualifiers": [],
        "audience": "Women in the night-time economy",
        "unit": None,
        "state": "approved",
        "review_in_days": 90,
        "concern": "Someone keeps turning up where I work and messaging me after I said no – is that "
                   "actually a crime?",
        "key_messages": [
            {"text": "Stalking is a crime. If someone's behaviour is fixated, obsessive, unwanted and "
                     "repeated, you can report it.",
             "facts": ["Stalking can happen in person, online or both."]},
            {"text": "Keep a diary of every incident: dates, times, places and messages. It helps build a "
                     "strong case.",
             "facts": ["Screenshots and saved messages can be used as evidence."]},
            {"text": "You don't have to wait until it gets worse. Call 101, or 999 if you are in danger.",
             "facts": ["Officers can apply for a Stalking Protection Order to keep someone away."]},
        ],
        "call_to_action": "Call 101 to report stalking, or 999 if you are in danger. The National Stalking "
                          "Helpline gives free advice on 0808 802 0300.",
        "ripe": ["prevention", "enforcement"],
        "tone": "reassuring",
        "variants": [
            {"channel": "Force Instagram and TikTok", "language": "en",
             "body": "Keeps turning up. Keeps messaging. Won't take no.\n\n"
                     "That's not romance. It's stalking, and it's a crime.\n\n"
                     "- Keep a diary: dates, times, places.\n"
                     "- Screenshot messages and calls.\n"
                     "- Tell someone you trust.\n\n"
                     "Report on 101, or 999 if you're in danger. Free advice: National Stalking Helpline, "
                     "0808 802 0300.",
             "has_media": True,
             "alt_text": "Video: a bartender's phone lights up with repeated messages from the same number; "
                         "she writes the times in a notebook.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
            {"channel": "Borough X (Twitter) accounts", "language": "en",
             "body": "Someone keeps turning up at your work or messaging after you've said no? That's "
                     "stalking, and it's a crime. Keep a diary of every incident and call 101. In danger? "
                     "Call 999.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "HAR",
        "qualifiers": ["ASB_ESCALATION"],
        "audience": "Residents of wards affected by a recent incident",
        "unit": "LX",
        "state": "in_review",
        "review_in_days": 45,
        "concern": "Our neighbour is targeted night after night with noise, threats and damage – when does "
                   "ASB become a police matter?",
        "key_messages": [
            {"text": "When behaviour targets someone repeatedly and causes fear, it can be harassment, which "
                     "is a crime.",
             "facts": ["Targeted antisocial behaviour is treated as more serious than general nuisance."]},
            {"text": "Report every incident, however small. A pattern lets us use stronger powers, such as "
                     "injunctions and closure orders.",
             "facts": ["Police and the council share reports to build one picture of the problem."]},
            {"text": "If reports don't lead to action, you can ask for an ASB case review, sometimes called "
                     "the Community Trigger.",
             "facts": ["An ASB case review brings agencies together to look again at the problem."]},
        ],
        "call_to_action": "Report each incident on 101 or online. Call 999 if there is a threat to life. Ask "
                          "the council about an ASB case review.",
        "ripe": ["enforcement", "intelligence"],
        "tone": "firm",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**When antisocial behaviour becomes harassment**\n\n"
                     "If someone is being targeted again and again, and it makes them afraid, it can be "
                     "harassment. That is a crime.\n\n"
                     "- Report every incident on 101 or online, however small.\n"
                     "- Keep a note of dates, times and what happened.\n"
                     "- Call 999 if there is a threat to life.\n\n"
                     "A clear pattern helps us and the council use stronger powers. If nothing changes, "
                     "you can ask the council for an ASB case review.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Ward panels and community meetings", "language": "en",
             "body": "**Ward panel item: targeted antisocial behaviour**\n\n"
                     "- Explain the difference between nuisance and targeted harassment.\n"
                     "- Encourage residents to report each incident and keep notes.\n"
                     "- Outline the powers available to police and the council.\n"
                     "- Explain how to ask for an ASB case review.\n"
                     "- Agree one or two priority locations for the next month.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
    {
        "element": "HAR",
        "qualifiers": ["REPEAT_VICTIM"],
        "audience": "Victims of hate crime and their families",
        "unit": "MD",
        "state": "approved_with_draft",
        "review_in_days": 60,
        "concern": "My family is harassed by neighbours because of who we are – can police stop it, or do we "
                   "have to move?",
        "key_messages": [
            {"text": "Targeted harassment because of who you are is a hate crime. You should not have to "
                     "move to be safe.",
             "facts": ["Police and housing providers can take joint action against abusive neighbours."]},
            {"text": "Police and the council can use warnings, injunctions and arrests. Keep reporting each "
                     "incident.",
             "facts": ["A record of each incident helps show the full pattern to a court."]},
            {"text": "A support worker can help you with housing, safety at home and going to court.",
             "facts": ["Support is free and available with interpreters, including BSL."]},
        ],
        "call_to_action": "Report on 101 or through True Vision. Call 999 if you are in danger. Ask for a "
                          "referral to a hate crime support service.",
        "ripe": ["enforcement", "reassurance"],
        "tone": "empathetic",
        "variants": [
            {"channel": "Neighbourhood alert messages", "language": "en",
             "body": "**Harassed by neighbours because of who you are?**\n\n"
                     "This is a hate crime. You should not have to move to be safe.\n\n"
                     "- Report every incident: 101 or True Vision.\n"
                     "- Write down dates, times and what happened.\n"
                     "- Ask for a support worker. They can help with housing and court.\n"
                     "- In danger? Call 999.\n\n"
                     "This message is also available in Easy Read and as a BSL video.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": True, "bsl": True,
             "translation_status": ""},
        ],
    },
    {
        "element": "HAR",
        "qualifiers": [],
        "audience": "Pupils aged 11–16 in secondary schools",
        "unit": None,
        "state": "draft",
        "review_in_days": 120,
        "concern": "Someone keeps sending me nasty messages and making fake accounts about me – what can "
                   "I do?",
        "key_messages": [
            {"text": "Online harassment is never OK. Block, report it on the app and save screenshots as "
                     "evidence.",
             "facts": ["Most apps let you report fake accounts that copy or mock someone."]},
            {"text": "Tell an adult you trust. You don't have to deal with it on your own.",
             "facts": ["Every school has a safeguarding lead who can help."]},
            {"text": "If messages include threats or sexual images, police can help.",
             "facts": ["Threats and sharing sexual images of under-18s are crimes."]},
        ],
        "call_to_action": "Tell a trusted adult or your Safer Schools officer. Childline: 0800 1111. Call "
                          "999 if you are in danger.",
        "ripe": ["prevention"],
        "tone": "encouraging",
        "variants": [
            {"channel": "School assemblies and lessons", "language": "en",
             "body": "**Tutor-time notes: when messages go too far**\n\n"
                     "- Repeated nasty messages or fake accounts are harassment. It is never OK.\n"
                     "- Three steps: screenshot, block, report on the app.\n"
                     "- Tell an adult you trust: a parent, a teacher or the safeguarding lead.\n"
                     "- Threats or sexual images? Police can help.\n\n"
                     "Remind pupils of Childline (0800 1111) and who the Safer Schools officer is.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
            {"channel": "Snapchat paid campaign", "language": "en",
             "body": "Nasty messages? Screenshot, block, report. Then tell an adult.",
             "has_media": True,
             "alt_text": "Animated video: a phone screen shows three icons in turn, a camera, a block sign "
                         "and a flag, then two friends talking to a teacher.",
             "captions": True, "easy_read": False, "bsl": False, "translation_status": ""},
        ],
    },
    {
        "element": "HAR",
        "qualifiers": [],
        "audience": "Officers and staff",
        "unit": None,
        "state": "approved",
        "review_in_days": 150,
        "concern": "When should officers treat repeated unwanted contact as stalking rather than harassment?",
        "key_messages": [
            {"text": "Think FOUR: fixated, obsessive, unwanted, repeated. If it fits, record it as stalking.",
             "facts": ["Recording stalking as harassment can hide the level of risk."]},
            {"text": "Complete the stalking screening questions and consider a Stalking Protection Order "
                     "early.",
             "facts": ["Stalking Protection Orders can be sought before a criminal charge."]},
            {"text": "Advise victims to keep a diary and refer them to the National Stalking Helpline.",
             "facts": ["A detailed diary can show a course of conduct to a court."]},
        ],
        "call_to_action": "Read the stalking guidance on the intranet and contact your borough stalking lead "
                          "for advice.",
        "ripe": ["enforcement"],
        "tone": "firm",
        "variants": [
            {"channel": "Internal briefing and intranet", "language": "en",
             "body": "**Stalking or harassment? Think FOUR**\n\n"
                     "- **F**ixated\n"
                     "- **O**bsessive\n"
                     "- **U**nwanted\n"
                     "- **R**epeated\n\n"
                     "If the behaviour fits, record it as stalking and complete the screening questions.\n\n"
                     "- Consider a Stalking Protection Order early.\n"
                     "- Advise the victim to keep a diary and save messages.\n"
                     "- Refer to the National Stalking Helpline (0808 802 0300).\n\n"
                     "Your borough stalking lead can advise on any case.",
             "has_media": False, "alt_text": "", "captions": False, "easy_read": False, "bsl": False,
             "translation_status": ""},
        ],
    },
]
