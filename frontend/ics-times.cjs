// Prints each event's start and end as ical.js (the parser Thunderbird uses) reads them, as JSON:
// {"<uid>": {"start": "...", "end": "..."}}, timed events in UTC ISO 8601, all-day events as dates.
// Usage: node frontend/ics-times.cjs FILE.ics   (or the calendar on standard input)
"use strict";

const fs = require("node:fs");
const ICAL = require("ical.js");

function asText(time) {
  return time.isDate ? time.toString() : time.toJSDate().toISOString();
}

function eventTimes(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const times = {};
  for (const component of calendar.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(component);
    times[event.uid] = { start: asText(event.startDate), end: asText(event.endDate) };
  }
  return times;
}

const source = process.argv[2] || 0;
process.stdout.write(JSON.stringify(eventTimes(fs.readFileSync(source, "utf8"))) + "\n");
