// The one table of the app's forms: for each change the API offers, the
// operation that sends it (web/operations.graphql), the arguments the page
// supplies, the order and wording of the fields, and Swedish help texts.
// Types, required fields, defaults and enum values come from the schema
// (forms.js reads /app/inputs.json); a field the table does not name still
// gets its place, after those it does.

import { h } from "./dom.js";

/** Swedish labels of input fields, by their name in the schema. */
export const FIELD_LABELS = {
  name: "Namn",
  description: "Beskrivning",
  orientation: "Inriktning",
  category: "Kategori",
  ownerOrganisation: "Ägare",
  executorOrganisation: "Utförare",
  targetGroup: "Målgrupp",
  ageMin: "Lägsta ålder",
  ageMax: "Högsta ålder",
  capacityYearPlaces: "Årsplatser",
  targetParticipants: "Mål antal deltagare",
  startsOn: "Startdatum",
  endsOn: "Slutdatum",
  status: "Status",
  visibility: "Synlighet",
  allocatedSek: "Beviljat belopp (kr)",
  forbund: "Förbund",
  newEndsOn: "Nytt slutdatum",
  decidedOn: "Beslutsdatum",
  note: "Anteckning",
  year: "År",
  budgetSek: "Budget (kr)",
  spentSek: "Förbrukat (kr)",
  spentThrough: "Förbrukat t.o.m.",
  periodFrom: "Period från",
  periodTo: "Period till",
  participants: "Deltagare totalt",
  participantsWomen: "Deltagare kvinnor",
  participantsMen: "Deltagare män",
  closures: "Avslut totalt",
  closuresWork: "Avslut till arbete",
  closuresStudies: "Avslut till studier",
  closuresLabourMarketTraining: "Avslut till arbetsmarknadsutbildning",
  closuresCompleted: "Avslut efter fullföljd insats",
  closuresNotInfluenceable: "Avslut av ej påverkbara skäl",
  closuresOther: "Avslut av andra skäl",
  shareReachedGoalPercent: "Andel som nått målet (%)",
  meanMonthsInInsats: "Månader i insatsen (medel)",
  municipalities: "Per kommun",
  municipality: "Kommun",
  targetPercent: "Målvärde (%)",
  horizonMonths: "Mäts efter (månader)",
  with: "Delas med förbund",
  to: "Till förbund",
  heldOn: "Datum",
  startsAt: "Börjar (TT:MM)",
  endsAt: "Slutar (TT:MM)",
  place: "Plats",
  paragraphFrom: "Från §",
  paragraphTo: "Till §",
  body: "Organ",
  paragraph: "§",
  text: "Beslut",
  amountSek: "Belopp (kr)",
  insats: "Insats",
  slug: "Kortnamn i adresser",
  orgNumber: "Organisationsnummer",
  county: "Län",
  foundedOn: "Bildat",
  dissolvedOn: "Upphörde",
  successor: "Uppgick i",
  notes: "Anteckningar",
  members: "Medlemmar",
  kind: "Typ",
  fundingSharePercent: "Andel av finansieringen (%)",
  code: "Kod",
  number: "Nummer",
  level: "Nivå",
  respondentGroup: "Svarsgrupp",
  indicator: "Indikator (kod)",
  gender: "Kön",
  value: "Värde (%)",
  respondents: "Antal svar",
  source: "Källa",
  forbundCount: "Antal förbund i snittet",
  rows: "Rader",
  closures: "Avslut totalt",
  shareToWorkOrStudiesPercent: "Andel till arbete eller studier (%)",
  from: "Från och med",
  after: "Placeras efter",
  contact: "Kontaktadress för dataskyddsombudet",
  scopePercent: "Omfattning (% av heltid)",
  noticeReceivedOn: "Uppsägningen togs emot",
  lastDay: "Sista dag i ringen",
  order: "Ordning",
  reason: "Skäl",
  startsOn: "Startdatum",
  initialEndsOn: "Första periodens slut",
  renewalMonths: "Förlängs med (månader)",
  noticeMonths: "Uppsägningstid (månader)",
  maxScopePercent: "Högsta omfattning (% av heltid)",
  // Columns the history shows that no form edits.
  originalEndsOn: "Ursprungligt slut",
  budgetTotalSek: "Budget totalt (kr)",
  carriedOverFromId: "Överförd från (id)",
  previousEndsOn: "Tidigare slutdatum",
  sharedWith: "Delas med",
};

/** Which of format.js's label sets words each enum of the schema. */
export const ENUM_LABELS = {
  Status: "status",
  Category: "category",
  Orientation: "orientation",
  Visibility: "visibility",
  Gender: "gender",
  MemberKind: "memberKind",
  IndicatorLevel: "level",
  IndicatorKind: "kind",
  MeetingBody: "body",
};

const insatsBack = ({ id }) => `/insatser/${id}`;

const meetingsBack = () => "/meetings";

const meetingOrder = ["heldOn", "startsAt", "endsAt", "place", "body", "paragraphFrom", "paragraphTo", "note"];

const forbundOrder = ["name", "slug", "orgNumber", "county", "foundedOn", "dissolvedOn", "successor", "notes", "members"];
const forbundFields = {
  slug: { help: "Små bokstäver och bindestreck, t.ex. sodra-dalarna. Används i adresser och i API:et." },
  orgNumber: { help: "NNNNNN-NNNN, med rätt kontrollsiffra." },
  notes: { multiline: true },
  members: { help: "Parterna i förbundet: staten (Försäkringskassan och Arbetsförmedlingen) ger hälften, regionen och kommunerna den andra hälften (lag 2003:1210). Listan ersätter den som finns." },
};

const sourceHelp = "Varifrån siffran kommer, t.ex. årsredovisningen 2025. Påhittade exempel märks \"synthetic: …\".";

const dsoBack = () => "/dso";
const consent = "Ändringen ger ett annat förbund ett nytt dataskyddsombud och gäller först när det förbundet har godkänt den.";

/** The forms, by the mutation each sends. */
export const FORMS = {
  joinDsoRing: {
    operation: "JoinDsoRing",
    mutation: "joinDsoRing",
    title: "Gå med i DSO-ringen",
    context: ["forbund", "agreement"],
    cancel: dsoBack,
    order: ["from", "after", "contact", "scopePercent"],
    fields: {
      after: { help: `Förbundet som ska bli ert dataskyddsombud. ${consent}` },
      contact: { help: "En funktionsadress, t.ex. dso@förbundet.se, inte en persons." },
      scopePercent: { help: "Lämna tomt för avtalets högsta omfattning." },
    },
  },
  leaveDsoRing: {
    operation: "LeaveDsoRing",
    mutation: "leaveDsoRing",
    title: "Säga upp medlemskapet i DSO-ringen",
    context: ["forbund", "agreement"],
    cancel: dsoBack,
    save: "Spara",
    fields: { noticeReceivedOn: { help: `Dagen då uppsägningen togs emot; den sista dagen i ringen följer av avtalets uppsägningstid. ${consent}` } },
  },
  setDsoAssignmentScope: {
    operation: "SetDsoAssignmentScope",
    mutation: "setDsoAssignmentScope",
    title: "Ändra dataskyddsombudets omfattning",
    context: ["forbund", "agreement"],
    cancel: dsoBack,
    order: ["scopePercent", "from"],
    fields: { scopePercent: { help: `Inom avtalets högsta omfattning. ${consent}` } },
  },
  rearrangeDsoRing: {
    operation: "RearrangeDsoRing",
    mutation: "rearrangeDsoRing",
    title: "Ny ordning i DSO-ringen",
    context: ["agreement"],
    cancel: dsoBack,
    order: ["from", "order"],
    fields: { order: { help: "Förbundens kortnamn i ringens ordning: vart och ett är dataskyddsombud för nästa, det sista för det första." } },
  },
  correctDsoRingHistory: {
    operation: "CorrectDsoRingHistory",
    mutation: "correctDsoRingHistory",
    title: "Rätta ringens historik",
    context: ["agreement"],
    cancel: dsoBack,
    order: ["from", "order", "reason"],
    fields: {
      order: { help: "Förbundens kortnamn i den ordning ringen faktiskt hade från dagen ovan." },
      reason: { multiline: true, help: "Varför historiken rättas; sparas i loggen." },
    },
  },
  closeDsoMembership: {
    operation: "CloseDsoMembership",
    mutation: "closeDsoMembership",
    title: "Avsluta ett förbunds plats i ringen",
    context: ["agreement"],
    cancel: dsoBack,
    order: ["forbund", "lastDay", "reason"],
    fields: {
      forbund: { label: "Förbund" },
      lastDay: {
        help: "Förbundets sista dag i ringen, senast dagen då det upplöses. Dagen efter blir det förbund som var dess dataskyddsombud ombud för det förbund det betjänade. Får ligga bakåt i tiden, som en rättelse.",
      },
      reason: { multiline: true, help: "Varför platsen avslutas, t.ex. ”upplöst 2023-12-31, uppgick i …”; sparas i loggen hos varje berört förbund." },
    },
  },
  createDsoAgreement: {
    operation: "CreateDsoAgreement",
    mutation: "createDsoAgreement",
    title: "Nytt avtal om DSO-ring",
    cancel: dsoBack,
    order: ["name", "startsOn", "initialEndsOn", "renewalMonths", "noticeMonths", "maxScopePercent", "members"],
    fields: {
      members: {
        label: "Medlemmar i ringens ordning",
        help: "Vart och ett är dataskyddsombud för nästa, det sista för det första. Förbund anges med sitt kortnamn.",
        rowFields: { forbund: { label: "Förbund (kortnamn)" } },
      },
    },
  },
  defineIndicator: {
    operation: "DefineIndicator",
    mutation: "defineIndicator",
    title: "Indikator",
    order: ["code", "number", "name", "level", "kind", "respondentGroup", "description"],
    fields: {
      code: { help: "Den stabila koden som importer och API:et använder, t.ex. 6." },
      description: { multiline: true },
    },
  },
  upsertIndicatorResults: {
    operation: "UpsertIndicatorResults",
    mutation: "upsertIndicatorResults",
    title: "Indikatorresultat",
    context: ["forbund"],
    fields: { rows: { label: "Resultat", help: `Ett resultat per indikator, år och kön; ett som redan finns ersätts. ${sourceHelp}` } },
  },
  upsertNationalAverages: {
    operation: "UpsertNationalAverages",
    mutation: "upsertNationalAverages",
    title: "Riksgenomsnitt",
    fields: { rows: { label: "Riksgenomsnitt", help: `Ett genomsnitt per indikator, år och kön; ett som redan finns ersätts. ${sourceHelp}` } },
  },
  setKeyFigures: {
    operation: "SetKeyFigures",
    mutation: "setKeyFigures",
    title: "Nyckeltal",
    context: ["forbund"],
    order: ["year", "participants", "closures", "shareToWorkOrStudiesPercent", "meanMonthsInInsats", "source"],
    fields: { source: { help: sourceHelp } },
  },
  createForbund: {
    operation: "CreateForbund",
    mutation: "createForbund",
    title: "Nytt förbund",
    order: forbundOrder,
    fields: forbundFields,
  },
  updateForbund: {
    operation: "UpdateForbund",
    mutation: "updateForbund",
    title: "Ändra förbundet",
    context: ["id", "version"],
    patch: true,
    order: forbundOrder,
    fields: forbundFields,
  },
  createMeeting: {
    operation: "CreateMeeting",
    mutation: "createMeeting",
    title: "Nytt sammanträde",
    context: ["forbund"],
    cancel: meetingsBack,
    order: meetingOrder,
    fields: {
      note: { multiline: true },
    },
  },
  updateMeeting: {
    operation: "UpdateMeeting",
    mutation: "updateMeeting",
    title: "Ändra sammanträdet",
    context: ["id", "version", "forbund"],
    cancel: meetingsBack,
    order: meetingOrder,
    fields: {
      note: { multiline: true },
    },
  },
  recordDecision: {
    operation: "RecordDecision",
    mutation: "recordDecision",
    title: "Nytt beslut",
    context: ["meeting", "version"],
    cancel: meetingsBack,
    order: ["paragraph", "text", "amountSek", "insats"],
    fields: {
      text: { multiline: true, help: "Beslutet som det står i protokollet." },
      insats: { help: "Insatsen beslutet finansierar eller gäller, om någon." },
    },
  },
  createInsats: {
    operation: "CreateInsats",
    mutation: "createInsats",
    title: "Ny insats",
    context: ["forbund"],
    order: [
      "name", "description", "targetGroup", "orientation", "category", "status", "visibility",
      "startsOn", "endsOn", "ageMin", "ageMax", "capacityYearPlaces", "targetParticipants",
      "ownerOrganisation", "executorOrganisation", "allocatedSek",
    ],
    fields: {
      description: { multiline: true, help: "Vad insatsen gör och för vem, med egna ord." },
      targetGroup: { multiline: true },
      visibility: { help: "Privat: bara ert förbund (och de ni delar med). Nätverket: alla inloggade förbund. Offentlig: alla." },
      allocatedSek: { help: "Det styrelsen har beviljat för hela perioden." },
    },
  },
  updateInsats: {
    operation: "UpdateInsats",
    mutation: "updateInsats",
    title: "Ändra insats",
    context: ["id", "version"],
    // Only the fields that changed are sent; the others are kept.
    patch: true,
    cancel: insatsBack,
    order: [
      "name", "description", "targetGroup", "orientation", "category", "status",
      "startsOn", "endsOn", "ageMin", "ageMax", "capacityYearPlaces", "targetParticipants",
      "ownerOrganisation", "executorOrganisation", "allocatedSek",
    ],
    fields: {
      description: { multiline: true },
      targetGroup: { multiline: true },
      endsOn: { help: "Det planerade slutet. En förlängning görs under Förläng, så att den syns i historiken." },
    },
  },
  extendInsats: {
    operation: "ExtendInsats",
    mutation: "extendInsats",
    title: "Förläng insatsen",
    context: ["id", "version"],
    cancel: insatsBack,
    fields: { note: { multiline: true } },
  },
  setInsatsBudget: {
    operation: "SetInsatsBudget",
    mutation: "setInsatsBudget",
    title: "Budget och förbrukning",
    context: ["id", "version"],
    cancel: insatsBack,
    fields: {
      spentSek: { help: "Förbrukat hittills under året." },
      spentThrough: { help: "Det datum förbrukningen avser, t.ex. halvårets sista dag." },
    },
  },
  recordInsatsOutcome: {
    operation: "RecordInsatsOutcome",
    mutation: "recordInsatsOutcome",
    title: "Resultat för en period",
    context: ["id", "version"],
    cancel: insatsBack,
    fields: {
      periodFrom: { help: "Lämna tomt för \"sedan starten\"." },
      note: { multiline: true },
    },
  },
  addInsatsGoal: {
    operation: "AddInsatsGoal",
    mutation: "addInsatsGoal",
    title: "Nytt mål",
    context: ["id", "version"],
    cancel: insatsBack,
    fields: { description: { multiline: true, label: "Mål" } },
  },
  shareInsats: {
    operation: "ShareInsats",
    mutation: "shareInsats",
    title: "Dela insatsen",
    context: ["id", "version"],
    cancel: insatsBack,
    fields: {
      visibility: { help: "Privat: bara ert förbund och de förbund som väljs nedan. Nätverket: alla inloggade förbund. Offentlig: alla." },
      with: { help: "Förbund som får se en privat insats." },
    },
  },
  carryOverInsats: {
    operation: "CarryOverInsats",
    mutation: "carryOverInsats",
    title: "Överför till ett annat förbund",
    context: ["id", "version"],
    cancel: insatsBack,
    save: "Spara",
    fields: { to: { help: "Förbundet som tar över insatsen (t.ex. vid en sammanslagning)." } },
  },
};

/**
 * The API's input errors in Swedish, by the rule's English text (the field
 * is named beside the message). A message not here is shown as the API
 * gave it, after a Swedish lead.
 */
export const MESSAGES = [
  [/^must not be empty$/, () => "får inte vara tomt."],
  [/^must be at most (\d+) characters$/, (m) => `får vara högst ${m[1]} tecken.`],
  [/^the end must not be before the start$/, () => "slutet får inte ligga före starten."],
  [/^an age is 0 to (\d+)$/, (m) => `en ålder är 0–${m[1]} år.`],
  [/^the lowest age is above the highest$/, () => "lägsta åldern är högre än den högsta."],
  [/^a percentage is 0 to 100$/, () => "en andel är 0–100 %."],
  [/^must not be negative$/, () => "får inte vara negativt."],
  [/^an amount of money is not negative$/, () => "ett belopp kan inte vara negativt."],
  [/^a count is not negative$/, () => "ett antal kan inte vara negativt."],
  [/^more closures than participants$/, () => "fler avslut än deltagare."],
  [/^a year from 1990 to 2100$/, () => "ett år mellan 1990 och 2100."],
  [/^0 to 600 months$/, () => "0–600 månader."],
  [/^the insats has no such goal$/, () => "insatsen har inget sådant mål."],
  [/^the förbund already has an insats with this name$/, () => "förbundet har redan en insats med det namnet."],
  [/^the insats has already been carried over$/, () => "insatsen är redan överförd."],
  [/^a time is written HH:MM$/, () => "en tid skrivs TT.MM eller TT:MM, t.ex. 13.00."],
  [/^must not be before (\w+)$/, (m) => `får inte ligga före ${(FIELD_LABELS[m[1]] || m[1]).toLowerCase()}.`],
  [/^at most (\d+) characters$/, (m) => `högst ${m[1]} tecken.`],
  [/^check digit is wrong$/, () => "kontrollsiffran stämmer inte."],
  [/^a year from (\d+) to (\d+)$/, (m) => `ett år mellan ${m[1]} och ${m[2]}.`],
  [/^date out of range$/, () => "datumet ligger utanför 1900-01-01 – 2199-12-31."],
  [/^name the DSO agreement$/, () => "ange vilket DSO-avtal det gäller."],
  [/^name the member after which to join$/, () => "ange förbundet ni ska placeras efter."],
  [/^no förbund with slug "?([^"]+)"?$/, (m) => `inget förbund har kortnamnet ${m[1]}.`],
  [/^no indicator with code "?([^"]+)"?$/, (m) => `ingen indikator har koden ${m[1]}.`],
  [/^(no such DSO agreement|there is no DSO agreement)$/, () => "det finns inget sådant DSO-avtal."],
  [/^not a member$/, () => "förbundet är inte medlem i ringen."],
  [/^not an id$/, () => "inget giltigt id."],
  [/^say where the figures come from$/, () => "ange varifrån siffrorna kommer."],
  [/^slug (\S+) is taken$/, (m) => `kortnamnet ${m[1]} är upptaget.`],
  [/^a meeting stays with its förbund$/, () => "ett sammanträde byter inte förbund."],
  [/^a member joins after this day; rearrange from that day instead$/, () => "en medlem går med efter den dagen; ändra ordningen från den dagen i stället."],
  [/^a party is listed twice$/, () => "en part finns med två gånger."],
  [/^a percentage above 0 and at most 100$/, () => "en andel över 0 och högst 100."],
  [/^above 0 and at most the agreement's maximum$/, () => "över 0 och högst avtalets högsta omfattning."],
  [/^an extension ends after the current end$/, () => "en förlängning slutar efter det nuvarande slutet."],
  [/^give a name of at most (\d+) characters$/, (m) => `ange ett namn på högst ${m[1]} tecken.`],
  [/^give the DSO function's address(, at most (\d+) characters)?$/, (m) => `ange dataskyddsombudets funktionsadress${m[2] ? `, högst ${m[2]} tecken` : ""}.`],
  [/^give the decision's text, at most ([\d ]+) characters$/, (m) => `ange beslutets text, högst ${m[1]} tecken.`],
  [/^must be (\d+) to (\d+) months$/, (m) => `ska vara ${m[1]}–${m[2]} månader.`],
  [/^name the members in their new order$/, () => "ange medlemmarna i den nya ordningen."],
  [/^no insats of this förbund with that id$/, () => "förbundet har ingen sådan insats."],
  [/^(.+) would be left without a DSO from (\S+)$/, (m) => `${m[1]} skulle stå utan dataskyddsombud från ${m[2]}.`],
  [/^(.+) is not an active member of the ring from (\S+)$/, (m) => `${m[1]} är inte aktiv medlem i ringen från ${m[2]}.`],
  [/^(.+) is not an active förbund on (\S+)$/, (m) => `${m[1]} är inte ett verksamt förbund ${m[2]}.`],
  [/^(.+) is already a member of the ring$/, (m) => `${m[1]} är redan medlem i ringen.`],
];

/**
 * An API input error's text in Swedish; one without a wording here keeps the
 * API's English, marked as English for screen readers (WCAG 3.1.2).
 */
export function swedish(message) {
  for (const [pattern, word] of MESSAGES) {
    const m = pattern.exec(message || "");
    if (m) return word(m);
  }
  return h("span", {}, "uppgiften godtogs inte (API:et: ", h("span", { lang: "en" }, message), ").");
}
