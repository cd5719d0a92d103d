// Swedish for every rule an input can break, by the rule's code
// (`extensions.rule`; docs/rules.md lists them). The values a sentence names
// come as `extensions.params`: numbers are written the Swedish way, days as
// "29 februari 2027", field names by their labels. A test fails when a code
// of the API has no text here, so a refusal never reaches a person in
// English (WCAG 3.1.2).

import { FIELD_LABELS } from "./form-table.js";
import { labels } from "./format.js";

const whole = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 2 });
const MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];

/** A number the Swedish way: "5 000", "12,5". */
function n(v) {
  return typeof v === "number" ? whole.format(v) : String(v ?? "");
}

/** A day as people say it: "29 februari 2027" (the day need not exist). */
function day(v) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v || "");
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return String(v ?? "");
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** A field of the API by its Swedish label, in lower case. */
function field(name) {
  const text = FIELD_LABELS[name] || name;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** ", som uppgick i X" when the förbund merged into a successor. */
function merged(p) {
  return p.successor ? ` (uppgick i ${p.successor})` : "";
}

export const RULES = {
  TEXT_EMPTY: () => "får inte vara tomt.",
  TEXT_TOO_LONG: (p) => `får vara högst ${n(p.max)} tecken.`,
  DATE_FORMAT: (p) => `${p.value} är inget datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2027-03-01.`,
  DATE_INVALID: (p) => `${day(p.value)} finns inte i kalendern.`,
  DATE_OUT_OF_RANGE: (p) => `${p.value} ligger utanför de datum tjänsten tar emot (${p.first} – ${p.last}).`,
  DATE_NOT_TAKEN: (p) => `inget giltigt datum. Skriv ÅÅÅÅ-MM-DD, en dag som finns, mellan ${p.first} och ${p.last}.`,
  TIME_FORMAT: () => "en tid skrivs TT.MM eller TT:MM, t.ex. 13.00.",
  BEFORE_START: (p) => `får inte ligga före ${field(p.other)}.`,
  RANGE_TOO_LONG: (p) => `högst ${n(p.max)} år åt gången.`,
  YEAR_RANGE: (p) => `ett år mellan ${p.min} och ${p.max}.`,
  MONTHS_RANGE: (p) => `ska vara ${n(p.min)}–${n(p.max)} månader.`,
  NUMBER_NEGATIVE: () => "får inte vara negativt.",
  PERCENT_RANGE: () => "en andel är 0–100 %.",
  SCOPE_RANGE: (p) => `omfattningen ska vara över 0 och högst ${n(p.max)} % av en heltid.`,
  AGE_RANGE: (p) => `en ålder är 0–${n(p.max)} år.`,
  AGE_ORDER: () => "lägsta åldern är högre än den högsta.",
  PAGE_SIZE: (p) => `högst ${n(p.max)} rader per sida.`,
  NUMBERED_FROM_ONE: () => "numreras från 1.",
  OUTCOME_GENDER_SUM: () => "kvinnor och män är tillsammans fler än deltagarna.",
  OUTCOME_REASON_SUM: () => "avsluten per orsak är tillsammans fler än avsluten.",
  OUTCOME_CLOSURES_SUM: () => "fler avslut än deltagare.",
  OUTCOME_KOMMUN_SUM: () => "kommunernas siffror är tillsammans fler än helheten.",
  FUNDING_SHARE_RANGE: () => "en finansieringsandel är 0–100 %.",
  FUNDING_SHARE_SUM: () => "finansieringsandelarna blir tillsammans mer än 100 %.",
  SLUG_FORMAT: () => "ett kortnamn är 2–64 tecken: a–z, 0–9 och enstaka bindestreck mellan ord.",
  SLUG_TAKEN: (p) => `kortnamnet ${p.slug} är upptaget.`,
  ORG_NUMBER_FORMAT: () => "ett organisationsnummer skrivs NNNNNN-NNNN.",
  ORG_NUMBER_CHECK_DIGIT: () => "kontrollsiffran i organisationsnumret stämmer inte.",
  ORG_NUMBER_TAKEN: (p) => `organisationsnumret ${p.org} tillhör ett annat förbund.`,
  FORBUND_TAKEN: () => "det finns redan ett förbund med det kortnamnet eller organisationsnumret.",
  PARTY_TWICE: () => "en part finns med två gånger.",
  INSATS_NAME_TAKEN: (p) => `${p.forbund || "förbundet"} har redan en insats med det namnet.`,
  INDICATOR_CODE_TAKEN: () => "det finns redan en indikator med den koden.",
  AREA_PARENT_UNKNOWN: () => "det överordnade området måste finnas eller komma före.",
  MEETING_DAY_TAKEN: () => "förbundet har redan ett sammanträde den dagen.",
  ID_INVALID: () => "inget giltigt id.",
  FORBUND_UNKNOWN: (p) => `inget förbund har kortnamnet ${p.slug}.`,
  INDICATOR_UNKNOWN: (p) => `ingen indikator har koden ${p.code}.`,
  GOAL_UNKNOWN: () => "insatsen har inget sådant mål.",
  DECISION_UNKNOWN: () => "sammanträdet har inget sådant beslut.",
  CONTRIBUTIONS_TWICE: () => "ange årets medlemsbidrag antingen totalt eller per medlem, inte båda.",
  MEMBER_UNKNOWN: (p) => `${p.member} är inte medlem i förbundet.`,
  INSATS_LINE_AMOUNTS: () => "en rad som är en insats får sin budget och sitt utfall från insatsen: lämna dem tomma här.",
  INSATS_LINE_GROUP: () => "en rad som är en insats hör till gruppen Insatser.",
  OUTCOME_DATE_REQUIRED: () => "ett utfall gäller till och med en dag: fyll i utfall t.o.m.",
  DATE_OUTSIDE_YEAR: (p) => `en dag under ${p.year}.`,
  DATE_IN_FUTURE: (p) => `får inte vara senare än i dag (${day(p.today)}).`,
  BUDGET_LINE_TAKEN: () => "årets budget har redan den raden.",
  REPORT_TAKEN: () => "förbundet har redan en rapport för perioden.",
  REPORT_PUBLISHED_STAYS: () => "en publicerad rapport är en allmän handling och förblir publicerad.",
  DECISION_NOT_OWN: () => "förbundets styrelse har inget sådant beslut.",
  INSATS_NOT_OWN: () => "förbundet har ingen sådan insats.",
  AGREEMENT_UNKNOWN: () => "det finns inget sådant DSO-avtal.",
  AGREEMENT_REQUIRED: () => "ange vilket DSO-avtal det gäller.",
  CURSOR_INVALID: () => "listan har ändrats sedan den lästes in. Börja om från första sidan.",
  EVENT_UNKNOWN: () => "händelsen är okänd för tjänsten.",
  ONE_OF: (p) => `ett av ${p.names}.`,
  ROW_DUPLICATE: (p) => `samma som rad ${n(p.row + 1)}.`,
  AT_LEAST_ONE: () => "ska vara minst 1.",
  SOURCE_REQUIRED: () => "ange varifrån siffrorna kommer.",
  INSATS_EXTENDED: () => "insatsen har förlängts; ändra slutdatum genom att förlänga den igen.",
  EXTENSION_NOT_LATER: () => "en förlängning slutar efter det nuvarande slutdatumet.",
  INSATS_CARRIED_OVER: () => "insatsen är redan överförd.",
  NOT_SUCCESSOR: (p) => `${p.to} är inte efterträdare till ${p.from}.`,
  ORDER_NEEDS_SIGN_IN: () => "sortering efter budget kräver inloggning: budgetar är inte offentliga.",
  FORBUND_DISSOLVED: (p) => `${p.forbund} upplöstes ${day(p.day)}${merged(p)} och registrerar inget daterat efter det.`,
  FORBUND_ARCHIVED: (p) => `${p.forbund} upplöstes ${day(p.day)}${merged(p)}. Förbundets uppgifter är ett arkiv som bara det nationella nätverket rättar.`,
  DISSOLVED_ON_RING: () => "förbundet är med i en DSO-ring efter den dagen: säg först upp medlemskapet i ringen.",
  SUCCESSOR_CIRCLE: () => "efterträdarna skulle gå runt i en cirkel.",
  FORBUND_DISSOLVED_YEAR: (p) => `${p.forbund} upplöstes ${day(p.day)} och har inga resultat efter det året.`,
  FORBUND_NOT_ACTIVE: (p) => `${p.forbund} är inte ett verksamt förbund ${day(p.day)}.`,
  MEETING_MOVES: () => "ett sammanträde byter inte förbund.",
  PARAGRAPH_OUTSIDE: () => "paragrafen ligger utanför sammanträdets paragrafer.",
  RING_NOT_MEMBER: (p) => `${p.forbund} är inte medlem i DSO-ringen.`,
  RING_ALREADY_MEMBER: (p) => `${p.forbund} är redan medlem i ringen.`,
  RING_NOTICE_GIVEN: (p) => `${p.forbund} har redan sagt upp sig (sista dag ${day(p.day)}).`,
  RING_NOTICE_BEFORE_JOINING: (p) => `uppsägningen kan inte tas emot före inträdet ${day(p.day)}.`,
  RING_LEAVES_SOONER: (p) => `${p.forbund} lämnar ringen ${day(p.day)} ändå, innan uppsägningstiden skulle löpa ut.`,
  RING_ALREADY_ENDS: (p) => `${p.forbund} lämnar redan ringen ${day(p.day)}.`,
  AGREEMENT_NOT_STARTED: (p) => `avtalet börjar gälla ${day(p.day)}.`,
  RING_AFTER_NOT_ACTIVE: () => "det förbundet är inte aktiv medlem den dag inträdet sker.",
  RING_AFTER_REQUIRED: () => "ange förbundet ni ska placeras efter.",
  RING_ORDER_REQUIRED: () => "ange medlemmarna i den nya ordningen.",
  RING_JOINS_LATER: () => "en medlem går med efter den dagen; ändra ordningen från den dagen i stället.",
  RING_PAST: (p) => `ändringen skulle gälla från ${day(p.day)}, före i dag (${day(p.today)}). Ringens historia rättas bara av en nätverksadministratör.`,
  PROPOSAL_NOT_PARTY: (p) => `förslaget ändrar inte dataskyddsombud för ${p.forbund}.`,
  RING_SERVES_ITSELF: (p) => `${p.forbund} skulle vara sitt eget dataskyddsombud från ${day(p.day)}.`,
  RING_UNSERVED: (p) => `${p.forbund} skulle stå utan dataskyddsombud från ${day(p.day)}.`,
  RING_SERVES_NOBODY: (p) => `${p.forbund} skulle inte vara dataskyddsombud åt någon från ${day(p.day)}.`,
  RING_SERVED_TWICE: (p) => `${p.forbund} skulle få två dataskyddsombud från ${day(p.day)}.`,
  RING_SERVES_TWICE: (p) => `${p.forbund} skulle vara dataskyddsombud åt två förbund från ${day(p.day)}.`,
  RING_INACTIVE_MEMBER: (p) => `${p.forbund} är inte aktiv medlem i ringen från ${day(p.day)}.`,
  RING_SPLIT: (p) => `${p.forbund} skulle hamna i en andra, separat ring från ${day(p.day)}.`,
  VERSION_STALE: () => "någon annan har ändrat detta under tiden. Läs in sidan igen och försök på nytt.",
  VERSION_REQUIRED: () => "det finns redan; läs in det och ändra den senaste versionen.",
  PROPOSAL_ANSWERED: (p) => `${p.forbund} ${labels.answer[p.answer] || "har redan svarat"}.`,
  PROPOSAL_EXPIRED: (p) => `förslaget förföll: det godkändes inte senast ${day(p.day)}.`,
  PROPOSAL_CLOSED: (p) => `förslaget väntar inte längre på svar (${(labels.proposalStatus[p.status] || p.status).toLowerCase()}).`,
  PROPOSAL_OUTDATED_UNASKED: (p) => `ringen har ändrats sedan förslaget lades: det skulle nu också byta dataskyddsombud för ${p.forbund}, som inte har tillfrågats. Lägg förslaget på nytt.`,
  PROPOSAL_OUTDATED_CHANGED: (p) => `ringen har ändrats sedan förslaget lades: det skulle nu göra något annat för ${p.forbund} än det som godkändes. Lägg förslaget på nytt.`,
  PROPOSAL_NOT_PROPOSER: (p) => (p.forbund ? `bara ${p.forbund}, som lade förslaget, kan dra tillbaka det.` : "bara förbundet som lade förslaget kan dra tillbaka det."),
  SESSION_CROSS_SITE: () => "frågan kom inte från den här webbplatsen och godtogs inte. Logga in här och försök igen.",
  DOCUMENT_NOT_TRUSTED: () => "frågan godtas inte utan inloggning. Logga in och försök igen.",
  REQUEST_INVALID: () => "appen skickade en fråga som servern inte tar emot. Läs in sidan igen.",
  QUERY_INVALID: () => "appen skickade en fråga som inte stämmer med API:et. Läs in sidan igen.",
  VALUE_TYPE: () => "ett värde har fel form.",
};

/**
 * A refusal in Swedish from its rule and values, worded to follow a field's
 * label ("Namn: får inte vara tomt."); null for a rule this app does not
 * know (a newer API), so the caller falls back to the code's text.
 */
export function ruleText(rule, params) {
  const word = RULES[rule];
  return word ? word(params || {}) : null;
}

/** The same text standing alone, as a sentence. */
export function sentence(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
