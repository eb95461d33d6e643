// Reads calendar objects with Mozilla's ical.js (the library of Thunderbird and Nextcloud) and prints each
// VEVENT's start and end as UTC Unix seconds, so the Python suite can compare them with its own reading.
// Input: a JSON file with a list of iCalendar texts. Output (stdout): a JSON list, one list of events per text.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function eventTimes(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const zoneOf = (time) => (time.zone ? time.zone.tzid : null);
    return {
      uid: event.uid,
      start: event.startDate.toUnixTime(),
      end: event.endDate.toUnixTime(),
      zones: [zoneOf(event.startDate), zoneOf(event.endDate)],
    };
  });
}

const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
process.stdout.write(JSON.stringify(texts.map(eventTimes)));
