//! Every rule an input can break, each with a stable code (`extensions.rule`
//! in a GraphQL error) and the English sentence the API words it with. The
//! values a sentence names (a limit, a förbund, a day) travel beside it as
//! `extensions.params`, so a client words the rule in its own language from
//! the code and the values, never by reading the English.
//!
//! The codes are part of the API: renaming one is a breaking change
//! (docs/api.md, "Errors"); `docs/rules.md` is made from this list and the
//! web app's Swedish texts (web/js/rules.js) are checked against it.

use std::fmt;

use chrono::NaiveDate;

/// One value a rule's sentence names.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(i64),
    Decimal(f64),
    Text(String),
    Date(NaiveDate),
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Int(n) => write!(f, "{n}"),
            Param::Decimal(n) => write!(f, "{n}"),
            Param::Text(t) => f.write_str(t),
            Param::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

macro_rules! params_from {
    ($($t:ty => $arm:ident as $conv:ty),* $(,)?) => {
        $(impl From<$t> for Param {
            fn from(v: $t) -> Self {
                Param::$arm(<$conv>::from(v))
            }
        })*
    };
}

params_from! {
    i32 => Int as i64,
    i64 => Int as i64,
    u32 => Int as i64,
    f64 => Decimal as f64,
    &str => Text as String,
    String => Text as String,
    &String => Text as String,
    NaiveDate => Date as NaiveDate,
}

impl From<usize> for Param {
    fn from(v: usize) -> Self {
        Param::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}

macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal : $text:literal, )*) => {
        /// A rule an input can break (the module's comment says how it travels).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Rule {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$name),*];

            /// The stable code clients switch on.
            pub fn code(self) -> &'static str {
                match self { $(Rule::$name => $code,)* }
            }

            /// The English sentence, `{name}` standing for a param.
            pub fn template(self) -> &'static str {
                match self { $(Rule::$name => $text,)* }
            }

            /// What the rule asks, for the generated table of rules.
            pub fn doc(self) -> &'static str {
                match self { $(Rule::$name => concat!($($doc),*).trim_ascii(),)* }
            }
        }
    };
}

rules! {
    // Text.
    /// A text that must be given is empty (or only spaces).
    TextEmpty = "TEXT_EMPTY": "must not be empty",
    /// A text is longer than its limit, counted in characters.
    TextTooLong = "TEXT_TOO_LONG": "must be at most {max} characters",

    // Dates and times.
    /// A date not written YYYY-MM-DD.
    DateFormat = "DATE_FORMAT": "{value} is not a date written YYYY-MM-DD",
    /// A date written right that the calendar does not have (31 February,
    /// 29 February outside a leap year).
    DateInvalid = "DATE_INVALID": "{value} is not a day of the calendar",
    /// A date before 1900-01-01 or after 2199-12-31.
    DateOutOfRange = "DATE_OUT_OF_RANGE": "{value} is outside the dates this service takes ({first} to {last})",
    /// A date argument the request gave literally and the service could not
    /// take (not YYYY-MM-DD, no such day, or outside 1900–2199); sent as a
    /// variable, the date gets the more precise rule.
    DateNotTaken = "DATE_NOT_TAKEN": "a date written YYYY-MM-DD, a day of the calendar, {first} to {last}",
    /// A time not written HH:MM or HH.MM (24-hour clock).
    TimeFormat = "TIME_FORMAT": "a time is written HH:MM or HH.MM",
    /// An end before its start (a period, a meeting, a range of paragraphs);
    /// `other` names the field it must not come before.
    BeforeStart = "BEFORE_START": "must not be before {other}",
    /// A range longer than the service reads at once.
    RangeTooLong = "RANGE_TOO_LONG": "a range of at most {max} years",
    /// A year outside the years the record can be about.
    YearRange = "YEAR_RANGE": "a year from {min} to {max}",
    /// A number of months outside its limits.
    MonthsRange = "MONTHS_RANGE": "must be {min} to {max} months",

    // Numbers.
    /// A count, amount or duration below zero.
    Negative = "NUMBER_NEGATIVE": "must not be negative",
    /// A percentage outside 0–100.
    PercentRange = "PERCENT_RANGE": "a percentage is 0 to 100",
    /// A DSO's scope outside (0, max] per cent of a full-time position.
    ScopeRange = "SCOPE_RANGE": "scope must be above 0 and at most {max} % of a full-time position",
    /// An age outside 0 to the oldest a target group can be.
    AgeRange = "AGE_RANGE": "an age is 0 to {max}",
    /// The lowest age of a target group above its highest.
    AgeOrder = "AGE_ORDER": "the lowest age is above the highest",
    /// A page size outside the limits of a list.
    PageSize = "PAGE_SIZE": "first must be between 0 and {max}",
    /// Numbers that start above 1 (paragraphs of minutes, indicators).
    NumberedFromOne = "NUMBERED_FROM_ONE": "numbered from 1",

    // Reported outcomes and key figures.
    /// Women and men together more than the participants.
    OutcomeGenderSum = "OUTCOME_GENDER_SUM": "women and men add up to more than the participants",
    /// Closures by reason together more than the closures.
    OutcomeReasonSum = "OUTCOME_REASON_SUM": "the closures by reason add up to more than the closures",
    /// More closures than participants.
    OutcomeClosuresSum = "OUTCOME_CLOSURES_SUM": "the closures add up to more than the participants",
    /// The figures by kommun together more than the whole.
    OutcomeKommunSum = "OUTCOME_KOMMUN_SUM": "the kommuner add up to more than the whole",
    /// A member's funding share outside 0–100 %.
    FundingShareRange = "FUNDING_SHARE_RANGE": "a funding share is a percentage from 0 to 100",
    /// The members' funding shares together more than 100 %.
    FundingShareSum = "FUNDING_SHARE_SUM": "funding shares add up to more than 100 %",

    // Names and numbers that identify.
    /// A slug outside 2–64 characters of a–z, 0–9 and single hyphens.
    SlugFormat = "SLUG_FORMAT": "a slug is 2 to 64 characters: a-z, 0-9 and single hyphens between words",
    /// A slug another förbund has.
    SlugTaken = "SLUG_TAKEN": "slug {slug} is taken",
    /// An organisation number not written NNNNNN-NNNN.
    OrgNumberFormat = "ORG_NUMBER_FORMAT": "organisation number must be written NNNNNN-NNNN",
    /// An organisation number whose check digit (Luhn, SKV 709) is wrong.
    OrgNumberCheckDigit = "ORG_NUMBER_CHECK_DIGIT": "organisation number has a wrong check digit",
    /// An organisation number another förbund has.
    OrgNumberTaken = "ORG_NUMBER_TAKEN": "{org} belongs to another förbund",
    /// A förbund with this slug or organisation number exists.
    ForbundTaken = "FORBUND_TAKEN": "a förbund with this slug or organisation number exists",
    /// The same member party named twice.
    PartyTwice = "PARTY_TWICE": "a party is listed twice",
    /// An insats name the förbund (`forbund`, when known) already uses.
    InsatsNameTaken = "INSATS_NAME_TAKEN": "the förbund already has an insats with this name",
    /// An indicator code already defined.
    IndicatorCodeTaken = "INDICATOR_CODE_TAKEN": "an indicator with this code exists",
    /// A population row naming a parent area not loaded before it.
    AreaParentUnknown = "AREA_PARENT_UNKNOWN": "the parent area must come first or exist",
    /// A second meeting of the förbund's board on the same day.
    MeetingDayTaken = "MEETING_DAY_TAKEN": "the förbund already has a meeting that day",

    // References.
    /// Not an id this API gave out.
    IdInvalid = "ID_INVALID": "not an id of this API",
    /// No förbund has the slug.
    ForbundUnknown = "FORBUND_UNKNOWN": "no förbund with slug {slug}",
    /// No indicator has the code.
    IndicatorUnknown = "INDICATOR_UNKNOWN": "no indicator with code {code}",
    /// The insats has no goal with the id.
    GoalUnknown = "GOAL_UNKNOWN": "the insats has no such goal",
    /// The meeting has no decision with the id.
    DecisionUnknown = "DECISION_UNKNOWN": "the meeting has no such decision",
    /// The insats named is not the förbund's.
    InsatsNotOwn = "INSATS_NOT_OWN": "no insats of this förbund with that id",
    /// No DSO agreement with the id, or none in force.
    AgreementUnknown = "AGREEMENT_UNKNOWN": "no such DSO agreement",
    /// The förbund is on several agreements: name one.
    AgreementRequired = "AGREEMENT_REQUIRED": "name the DSO agreement",
    /// A cursor this list did not give out, or from a list in another order.
    CursorInvalid = "CURSOR_INVALID": "not a cursor this list gave out (cursors are only valid for the list, order and server key that made them)",
    /// An event id the API did not send.
    EventUnknown = "EVENT_UNKNOWN": "an eventId this API sent",
    /// A value outside a fixed set.
    OneOf = "ONE_OF": "one of {names}",
    /// A row that repeats an earlier row of the same batch.
    RowDuplicate = "ROW_DUPLICATE": "the same as row {row}",
    /// A number that must be at least 1 (the förbund behind an average).
    AtLeastOne = "AT_LEAST_ONE": "must be at least 1",
    /// Where figures come from was not said.
    SourceRequired = "SOURCE_REQUIRED": "say where the figures come from",

    // Insatser.
    /// An insats whose end was extended is extended again, not edited.
    InsatsExtended = "INSATS_EXTENDED": "the insats has been extended; use extendInsats",
    /// An extension that does not end after the current end.
    ExtensionNotLater = "EXTENSION_NOT_LATER": "an extension ends after the current end",
    /// An insats already carried over to a successor.
    InsatsCarriedOver = "INSATS_CARRIED_OVER": "the insats has already been carried over",
    /// An insats carried over to a förbund that is not the successor.
    NotSuccessor = "NOT_SUCCESSOR": "{to} is not the successor of {from}",
    /// Ordering by budget without signing in (budgets are not public).
    OrderNeedsSignIn = "ORDER_NEEDS_SIGN_IN": "ordering by BUDGET needs a signed-in caller: budgets are not public",

    // Förbund.
    /// A record dated after the förbund's last day.
    ForbundDissolved = "FORBUND_DISSOLVED": "{forbund} was dissolved on {day}: it registers nothing dated after that",
    /// A dissolved förbund's records are an archive. Both rules name the
    /// `successor` it merged into, when it has one.
    ForbundArchived = "FORBUND_ARCHIVED": "{forbund} was dissolved on {day}: its records are an archive, corrected only by the national network",
    /// A förbund dissolved while still on a DSO-ring after that day.
    DissolvedOnRing = "DISSOLVED_ON_RING": "the förbund is on a DSO-ring after that day: its notice to leave comes first",
    /// Successors that lead back to the förbund.
    SuccessorCircle = "SUCCESSOR_CIRCLE": "successors would go round in a circle",
    /// A result for a year after the förbund's last.
    ForbundDissolvedYear = "FORBUND_DISSOLVED_YEAR": "{forbund} was dissolved on {day}: it has no results after that year",
    /// A förbund that does not exist on the day (not founded yet, or dissolved).
    ForbundNotActive = "FORBUND_NOT_ACTIVE": "{forbund} is not an active förbund on {day}",

    // Meetings.
    /// A meeting moved to another förbund.
    MeetingMoves = "MEETING_MOVES": "a meeting stays with its förbund",
    /// A decision's paragraph outside the meeting's paragraphs.
    ParagraphOutside = "PARAGRAPH_OUTSIDE": "the meeting's paragraphs do not include it",

    // Finances.
    /// Contributions given in all and per member for the same year.
    ContributionsTwice = "CONTRIBUTIONS_TWICE": "give the year's contributions either in all or per member, not both",
    /// A contribution from someone who is not a member of the förbund.
    MemberUnknown = "MEMBER_UNKNOWN": "{member} is not a member of the förbund",
    /// An amount on a line that is an insats: its budget and outcome are
    /// the insats's own.
    InsatsLineAmounts = "INSATS_LINE_AMOUNTS": "an insats line's budget and outcome are its insats's: leave them empty here",
    /// A line that is an insats outside the group INSATSER.
    InsatsLineGroup = "INSATS_LINE_GROUP": "a line that is an insats belongs to the group INSATSER",
    /// An outcome without the day it runs to.
    OutcomeDateRequired = "OUTCOME_DATE_REQUIRED": "an outcome is given to a day: fill in outcomeThrough",
    /// A day outside the year the record is about.
    DateOutsideYear = "DATE_OUTSIDE_YEAR": "a day of {year}",
    /// A day after today where only what has happened can be recorded.
    DateInFuture = "DATE_IN_FUTURE": "must not be after today ({today})",
    /// A second line of the same name in a group, or the same insats twice,
    /// in a year's budget.
    BudgetLineTaken = "BUDGET_LINE_TAKEN": "the year's budget already has this line",
    /// A second report for the same period.
    ReportTaken = "REPORT_TAKEN": "the förbund already has a report for this period",
    /// A published report made unpublished again: it is a public document.
    ReportPublishedStays = "REPORT_PUBLISHED_STAYS": "a published report is a public document and stays published",
    /// A decision that is not of the förbund's own board.
    DecisionNotOwn = "DECISION_NOT_OWN": "no decision of this förbund's board with that id",

    // The DSO-ring.
    /// The förbund is not a member of the ring.
    RingNotMember = "RING_NOT_MEMBER": "{forbund} is not a member of this DSO-ring",
    /// The förbund is already a member of the ring.
    RingAlreadyMember = "RING_ALREADY_MEMBER": "{forbund} is already a member of the ring",
    /// The member has already given notice.
    RingNoticeGiven = "RING_NOTICE_GIVEN": "{forbund} has already given notice (last day {day})",
    /// Notice received before the member joined.
    RingNoticeBeforeJoining = "RING_NOTICE_BEFORE_JOINING": "notice cannot be received before the member joined on {day}",
    /// The member leaves before the notice would end anyway.
    RingLeavesSooner = "RING_LEAVES_SOONER": "{forbund} leaves the ring on {day} anyway, before this notice would end",
    /// The membership already ends on that day.
    RingAlreadyEnds = "RING_ALREADY_ENDS": "{forbund} already leaves the ring on {day}",
    /// A day before the agreement starts.
    AgreementNotStarted = "AGREEMENT_NOT_STARTED": "the agreement starts on {day}",
    /// The member to join after is not active on the joining day.
    RingAfterNotActive = "RING_AFTER_NOT_ACTIVE": "that förbund is not an active member on the joining day",
    /// A ring of several members: say after whom to join.
    RingAfterRequired = "RING_AFTER_REQUIRED": "name the member after which to join",
    /// A new order that does not name the members.
    RingOrderRequired = "RING_ORDER_REQUIRED": "name the members in their new order",
    /// A member joins after the day of a new order.
    RingJoinsLater = "RING_JOINS_LATER": "a member joins after this day; rearrange from that day instead",
    /// A proposal or change taking effect before today; the past is
    /// corrected only by a network admin.
    RingPast = "RING_PAST": "the change would take effect on {day}, before today ({today}); the ring's past is corrected only by a network admin (correctDsoRingHistory)",
    /// The förbund is not a party of the proposal.
    ProposalNotParty = "PROPOSAL_NOT_PARTY": "the proposal does not change {forbund}'s DSO",
    /// A member would provide its own DSO.
    RingServesItself = "RING_SERVES_ITSELF": "{forbund} would serve itself from {day}",
    /// A member would be left without a DSO.
    RingUnserved = "RING_UNSERVED": "{forbund} would be left without a DSO from {day}",
    /// A member would provide no DSO.
    RingServesNobody = "RING_SERVES_NOBODY": "{forbund} would serve nobody from {day}",
    /// A member would get two DSOs.
    RingServedTwice = "RING_SERVED_TWICE": "{forbund} would get two DSOs from {day}",
    /// A member would provide a DSO to two förbund.
    RingServesTwice = "RING_SERVES_TWICE": "{forbund} would serve two förbund from {day}",
    /// An assignment naming a förbund not active in the ring.
    RingInactiveMember = "RING_INACTIVE_MEMBER": "{forbund} is not an active member of the ring from {day}",
    /// The assignments would make two separate rings.
    RingSplit = "RING_SPLIT": "{forbund} would be in a second, separate ring from {day}",

    // Concurrency and decisions already taken (code CONFLICT).
    /// The record changed since it was read (`given` and `stored` are the
    /// versions, when known).
    VersionStale = "VERSION_STALE": "{entity} was changed by someone else; reload and try again",
    /// A record that exists is replaced only with the version read.
    VersionRequired = "VERSION_REQUIRED": "{entity} exists; pass its version to change it",
    /// The party has already answered the proposal.
    ProposalAnswered = "PROPOSAL_ANSWERED": "{forbund} has already answered ({answer})",
    /// The proposal was not accepted by its day.
    ProposalExpired = "PROPOSAL_EXPIRED": "the proposal expired: it was not accepted by {day}",
    /// The proposal is no longer waiting for answers.
    ProposalClosed = "PROPOSAL_CLOSED": "the proposal is no longer open ({status})",
    /// The ring changed since the proposal: it would now also change the
    /// DSO of förbund that were not asked.
    ProposalOutdatedUnasked = "PROPOSAL_OUTDATED_UNASKED": "the ring has changed since it was proposed: it would now also change the DSO of {forbund}, who were not asked",
    /// The ring changed since the proposal: it would now do to a party
    /// something other than what was accepted.
    ProposalOutdatedChanged = "PROPOSAL_OUTDATED_CHANGED": "the ring has changed since it was proposed: it would now do to {forbund} something other than what was accepted (a DSO or an assignment not in the proposal); propose it again",
    /// Only the förbund that proposed may withdraw a proposal (`forbund`
    /// names it, when a förbund did).
    ProposalNotProposer = "PROPOSAL_NOT_PROPOSER": "only the förbund that proposed it may withdraw the proposal",

    // Sessions.
    /// A request signed in by the web app's session cookie that does not
    /// come from a page of this site (cross-site request forgery).
    SessionCrossSite = "SESSION_CROSS_SITE": "a request signed in by the session cookie must come from this site (its Origin header)",

    /// An anonymous request for a document the server does not trust
    /// (`graphql.trusted_documents_only`): sign in, or send one of the app's.
    DocumentNotTrusted = "DOCUMENT_NOT_TRUSTED": "anonymous callers may run only this service's trusted documents (/app/trusted-documents.json); sign in to send others",

    // The request itself (a client's fault, never a person's).
    /// The HTTP request is not one GraphQL over HTTP takes.
    RequestInvalid = "REQUEST_INVALID": "{detail}",
    /// The operation does not fit the schema.
    QueryInvalid = "QUERY_INVALID": "{detail}",
    /// A value of the wrong type for its argument.
    ValueType = "VALUE_TYPE": "{detail}",
}

/// A rule broken, with the values its sentence names.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub rule: Rule,
    pub params: Vec<(&'static str, Param)>,
}

impl Rule {
    /// This rule with a value its sentence names.
    pub fn with(self, name: &'static str, value: impl Into<Param>) -> Broken {
        Broken::from(self).with(name, value)
    }
}

impl From<Rule> for Broken {
    fn from(rule: Rule) -> Self {
        Broken {
            rule,
            params: Vec::new(),
        }
    }
}

impl Broken {
    pub fn with(mut self, name: &'static str, value: impl Into<Param>) -> Broken {
        self.params.push((name, value.into()));
        self
    }

    /// The English sentence with its values in place.
    pub fn message(&self) -> String {
        fill(self.rule.template(), |name| {
            self.params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }
}

/// `template` with each `{name}` replaced by `value(name)` (left as written
/// when there is none).
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The table of rules `docs/rules.md` holds (`finsam rules` prints it).
pub fn table() -> String {
    let mut out = String::from(
        "# Rules an input can break\n\n\
         Every refusal of an input carries `extensions.rule`, one of the codes below, \
         beside `extensions.code` and (for an input) `extensions.field`; \
         `extensions.params` holds the values the sentence names. \
         A client words the refusal from the code and the values \
         (the web app: `web/js/rules.js`). \
         Made by `finsam rules > docs/rules.md`; a test keeps it current.\n\n\
         | Rule | What it asks | The API's sentence |\n|---|---|---|\n",
    );
    for rule in Rule::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.code(),
            rule.doc().replace('|', "\\|"),
            rule.template().replace('|', "\\|"),
        ));
    }
    out
}

/// The names a template's sentence takes, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_shouted() {
        let mut seen = HashSet::new();
        for rule in Rule::ALL {
            let code = rule.code();
            assert!(seen.insert(code), "{code} twice");
            assert!(
                code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{code}"
            );
            assert!(!rule.doc().is_empty(), "{code} has no description");
        }
    }

    #[test]
    fn a_sentence_takes_its_values() {
        let broken = Rule::TextTooLong.with("max", 300);
        assert_eq!(broken.message(), "must be at most 300 characters");
        let day = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        assert_eq!(
            Rule::RingUnserved
                .with("forbund", "Värend")
                .with("day", day)
                .message(),
            "Värend would be left without a DSO from 2027-03-01"
        );
        assert_eq!(Broken::from(Rule::TextEmpty).message(), "must not be empty");
    }

    #[test]
    fn a_missing_value_stays_visible() {
        assert_eq!(
            Broken::from(Rule::TextTooLong).message(),
            "must be at most {max} characters"
        );
        assert_eq!(fill("a {b", |_| None), "a {b");
        assert_eq!(placeholders(Rule::NotSuccessor.template()), ["to", "from"]);
    }
}
