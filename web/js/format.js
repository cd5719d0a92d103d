// Swedish formats: dates as YYYY-MM-DD, numbers with Swedish separators
// ("23 841 683 kr", "15,2 %").

const whole = new Intl.NumberFormat("sv-SE", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("sv-SE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const dash = "–";

export function sek(n) {
  return n === null || n === undefined ? dash : `${whole.format(n)} kr`;
}

export function number(n) {
  return n === null || n === undefined ? dash : whole.format(n);
}

export function decimal(n) {
  return n === null || n === undefined ? dash : oneDecimal.format(n);
}

export function percent(n) {
  return n === null || n === undefined ? dash : `${oneDecimal.format(n)} %`;
}

/** A signed difference in percentage points. */
export function points(n) {
  if (n === null || n === undefined) return dash;
  const sign = n > 0 ? "+" : n < 0 ? "−" : "±";
  return `${sign}${oneDecimal.format(Math.abs(n))} p.e.`;
}

export function date(d) {
  return d || dash;
}

export function period(from, to) {
  if (!from && !to) return dash;
  return `${from || "…"} – ${to || "tills vidare"}`;
}

/** Today in Stockholm, as YYYY-MM-DD. */
export function today() {
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm" }).format(new Date());
}

export function addYears(day, years) {
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y + years, m - 1, d));
  return next.toISOString().slice(0, 10);
}

export const labels = {
  status: {
    PLANNED: "Planerad",
    ACTIVE: "Pågår",
    COMPLETED: "Avslutad",
    ENDED_EARLY: "Avslutad i förtid",
    CARRIED_OVER: "Överförd",
    CANCELLED: "Inställd",
  },
  category: {
    TEAM: "Team",
    PROJECT: "Projekt",
    STAFF_TRAINING: "Kompetensutveckling",
    STUDY: "Studie",
    METHOD_DEVELOPMENT: "Metodutveckling",
  },
  orientation: { INDIVIDUAL: "Individinriktad", STRUCTURAL: "Strukturinriktad" },
  visibility: { PRIVATE: "Privat", NETWORK: "Nätverket", PUBLIC: "Offentlig" },
  memberKind: {
    MUNICIPALITY: "Kommun",
    REGION: "Region",
    SOCIAL_INSURANCE: "Försäkringskassan",
    EMPLOYMENT_SERVICE: "Arbetsförmedlingen",
  },
  role: {
    MEMBER: "medlem",
    EDITOR: "redaktör",
    ADMIN: "administratör",
    DSO: "dataskyddsombud",
    ANALYST: "analytiker",
    NETWORK_ADMIN: "nätverksadministratör",
  },
  gender: { TOTAL: "Totalt", WOMEN: "Kvinnor", MEN: "Män" },
  fundingGroup: { STATE: "staten", REGION: "regionen", MUNICIPALITIES: "kommunerna" },
  level: { PARTICIPANT: "Deltagare", STAFF: "Personal", ORGANISATION: "Organisation", SOCIETY: "Samhälle" },
  kind: { PROCESS: "Process", EFFECT: "Effekt" },
  benefit: {
    SICKNESS_BENEFIT: "Sjukpenning",
    SICKNESS_ACTIVITY_COMPENSATION: "Sjuk- och aktivitetsersättning",
    UNEMPLOYMENT: "Arbetslöshetsersättning",
    LABOUR_MARKET_PROGRAMMES: "Arbetsmarknadsåtgärder",
    SOCIAL_ASSISTANCE: "Ekonomiskt bistånd",
    ESTABLISHMENT_BENEFIT: "Etableringsersättning",
  },
  figure: {
    SHARE_TO_WORK_OR_STUDIES: "Andel till arbete eller studier",
    PARTICIPANTS: "Deltagare",
    CLOSURES: "Avslut",
    MEAN_MONTHS_IN_INSATS: "Månader i insats (medel)",
  },
  body: { BOARD: "Styrelse", INTERIM_BOARD: "Interimsstyrelse" },
  proposalKind: { JOIN: "Inträde i ringen", LEAVE: "Utträde ur ringen", SCOPE: "Ändrad omfattning", REARRANGE: "Ny ordning" },
  proposalStatus: {
    PENDING: "Väntar på svar",
    APPLIED: "Genomförd",
    DECLINED: "Avslagen",
    EXPIRED: "Förfallen",
    FAILED: "Kunde inte genomföras",
    WITHDRAWN: "Tillbakadragen",
  },
  answer: { PENDING: "har inte svarat", ACCEPTED: "har godkänt", DECLINED: "har avslagit" },
  budgetGroup: { INSATSER: "Insatser", BOARD: "Styrelsen", ADMINISTRATION: "Administration", OTHER: "Övrigt" },
  financeFigure: {
    TOTAL_BUDGET: "Budget, alla rader",
    TOTAL_OUTCOME: "Utfall, alla rader",
    SHARE_USED: "Nyttjandegrad (%)",
    CONTRIBUTIONS: "Parternas medel",
    EQUITY_BROUGHT_FORWARD: "Eget kapital, ingående",
    AVAILABLE: "Medel inkl. eget kapital",
    EQUITY_USED: "Förbrukat av eget kapital",
    EQUITY_AFTER: "Eget kapital, utgående",
    RESULT: "Årets resultat",
  },
};

export function label(kind, value) {
  return (labels[kind] && labels[kind][value]) || value || dash;
}
