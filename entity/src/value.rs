//! The fixed sets of values the tables hold, each defined once: stored as
//! text (the spelling below, which the audit log, the files and the API's
//! enums share) and read back as these types, so a column holds no value
//! outside its set and no code matches a spelling by hand. The rules about
//! them are finsam-api's (`domain`); the GraphQL enums mirror them.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A stored spelling outside its set: a row written around the service.
fn unknown(set: &str, text: &str) -> sea_orm::sqlx::error::BoxDynError {
    format!("{text:?} is not a {set}").into()
}

/// A set of values stored by their spelling: a SeaORM active enum over a
/// text column, with `ALL`, `as_str` and `parse` for the files and the
/// rules that read the spelling.
macro_rules! stored_values {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumIter, DeriveActiveEnum,
            Serialize, Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $code)]
                #[serde(rename = $code)]
                $variant
            ),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// The value a spelling stands for.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some($name::$variant),)* _ => None }
            }
        }

        // Read by position straight from the drivers (finsam-api's
        // `service::columns`): the spelling, decoded as text and parsed.
        impl sea_orm::sqlx::Type<sea_orm::sqlx::Sqlite> for $name {
            fn type_info() -> sea_orm::sqlx::sqlite::SqliteTypeInfo {
                <String as sea_orm::sqlx::Type<sea_orm::sqlx::Sqlite>>::type_info()
            }
            fn compatible(ty: &sea_orm::sqlx::sqlite::SqliteTypeInfo) -> bool {
                <String as sea_orm::sqlx::Type<sea_orm::sqlx::Sqlite>>::compatible(ty)
            }
        }

        impl<'r> sea_orm::sqlx::Decode<'r, sea_orm::sqlx::Sqlite> for $name {
            fn decode(
                value: sea_orm::sqlx::sqlite::SqliteValueRef<'r>,
            ) -> Result<Self, sea_orm::sqlx::error::BoxDynError> {
                let text = <&str as sea_orm::sqlx::Decode<sea_orm::sqlx::Sqlite>>::decode(value)?;
                $name::parse(text).ok_or_else(|| unknown(stringify!($name), text))
            }
        }

        impl sea_orm::sqlx::Type<sea_orm::sqlx::Postgres> for $name {
            fn type_info() -> sea_orm::sqlx::postgres::PgTypeInfo {
                <String as sea_orm::sqlx::Type<sea_orm::sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sea_orm::sqlx::postgres::PgTypeInfo) -> bool {
                <String as sea_orm::sqlx::Type<sea_orm::sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sea_orm::sqlx::Decode<'r, sea_orm::sqlx::Postgres> for $name {
            fn decode(
                value: sea_orm::sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sea_orm::sqlx::error::BoxDynError> {
                let text = <&str as sea_orm::sqlx::Decode<sea_orm::sqlx::Postgres>>::decode(value)?;
                $name::parse(text).ok_or_else(|| unknown(stringify!($name), text))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

stored_values!(
    /// Aimed at participants, or at the organisations (methods, staff training).
    Orientation { Individual = "INDIVIDUAL", Structural = "STRUCTURAL" }
);

stored_values!(
    /// What kind of work an insats is.
    Category {
        Team = "TEAM",
        Project = "PROJECT",
        StaffTraining = "STAFF_TRAINING",
        Study = "STUDY",
        MethodDevelopment = "METHOD_DEVELOPMENT",
    }
);

stored_values!(
    /// Where an insats is in its life.
    Status {
        Planned = "PLANNED",
        Active = "ACTIVE",
        Completed = "COMPLETED",
        /// Ended before its planned end (e.g. the money was used up).
        EndedEarly = "ENDED_EARLY",
        /// Taken over by a successor förbund, which runs it on.
        CarriedOver = "CARRIED_OVER",
        Cancelled = "CANCELLED",
    }
);

stored_values!(
    /// Who may see an insats (DESIGN.md, "Insats").
    Visibility { Private = "PRIVATE", Network = "NETWORK", Public = "PUBLIC" }
);

// A new insats is planned and seen only by its own förbund until it says
// otherwise (the API's defaults too). Written out: `stored_values!` derives
// the same traits for every set, and most sets have no default.
#[allow(clippy::derivable_impls)]
impl Default for Status {
    fn default() -> Self {
        Status::Planned
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Visibility {
    fn default() -> Self {
        Visibility::Private
    }
}

stored_values!(
    /// Women, men, or everyone (the national indicators and the statistics
    /// are reported by gender and in all).
    Gender { Total = "TOTAL", Women = "WOMEN", Men = "MEN" }
);

stored_values!(
    /// The kind of party that is a member of a förbund (law 2003:1210 § 1:
    /// the state through Försäkringskassan and Arbetsförmedlingen, a region,
    /// one or more kommuner).
    MemberKind {
        Municipality = "MUNICIPALITY",
        Region = "REGION",
        SocialInsurance = "SOCIAL_INSURANCE",
        EmploymentService = "EMPLOYMENT_SERVICE",
    }
);

stored_values!(
    /// What a proposed change to the DSO-ring does (DESIGN.md, "Consent").
    ProposalKind { Join = "JOIN", Leave = "LEAVE", Scope = "SCOPE", Rearrange = "REARRANGE" }
);

stored_values!(
    /// Where a proposal stands. `Expired` is never stored: a pending
    /// proposal past its first day reads as expired.
    ProposalStatus {
        Pending = "PENDING",
        Applied = "APPLIED",
        Declined = "DECLINED",
        Expired = "EXPIRED",
        /// Every party accepted, but the change no longer did what they
        /// accepted.
        Failed = "FAILED",
        /// The förbund that proposed it took it back before it was decided.
        Withdrawn = "WITHDRAWN",
    }
);

stored_values!(
    /// A party's answer to a proposal.
    ProposalAnswer { Pending = "PENDING", Accepted = "ACCEPTED", Declined = "DECLINED" }
);

stored_values!(
    /// An area of the statistics (SCB's codes).
    AreaKind { Municipality = "MUNICIPALITY", County = "COUNTY", Country = "COUNTRY" }
);

stored_values!(
    /// A benefit people of working age live on, as the population
    /// statistics count it in full-year equivalents, and their total.
    Benefit {
        SicknessBenefit = "SICKNESS_BENEFIT",
        SicknessActivityCompensation = "SICKNESS_ACTIVITY_COMPENSATION",
        Unemployment = "UNEMPLOYMENT",
        LabourMarketProgrammes = "LABOUR_MARKET_PROGRAMMES",
        SocialAssistance = "SOCIAL_ASSISTANCE",
        EstablishmentBenefit = "ESTABLISHMENT_BENEFIT",
        Total = "TOTAL",
    }
);

stored_values!(
    /// What a förbund's yearly allocation is: all parties' together, or the
    /// state's preliminary share.
    AllocationKind { Total = "TOTAL", StatePreliminary = "STATE_PRELIMINARY" }
);

stored_values!(
    /// The group of a line of a förbund's budget, in the order a board's
    /// report sets them out.
    BudgetGroup {
        Insatser = "INSATSER",
        Board = "BOARD",
        Administration = "ADMINISTRATION",
        Other = "OTHER",
    }
);

stored_values!(
    /// A figure of a förbund's finances that a report's paper states: the
    /// year's totals, the means it has and the equity they leave.
    FinanceFigure {
        TotalBudget = "TOTAL_BUDGET",
        TotalOutcome = "TOTAL_OUTCOME",
        ShareUsed = "SHARE_USED",
        Contributions = "CONTRIBUTIONS",
        EquityBroughtForward = "EQUITY_BROUGHT_FORWARD",
        Available = "AVAILABLE",
        EquityUsed = "EQUITY_USED",
        EquityAfter = "EQUITY_AFTER",
        Result = "RESULT",
    }
);

impl FinanceFigure {
    /// A share is stated in whole percent; every other figure in kronor.
    pub fn is_percent(self) -> bool {
        self == FinanceFigure::ShareUsed
    }
}

stored_values!(
    /// Whom a national indicator is about.
    IndicatorLevel {
        Participant = "PARTICIPANT",
        Staff = "STAFF",
        Organisation = "ORGANISATION",
        Society = "SOCIETY",
    }
);

stored_values!(
    /// Whether a national indicator measures the work or its effect.
    IndicatorKind { Process = "PROCESS", Effect = "EFFECT" }
);

stored_values!(
    /// The body that meets: the board, or an interim board before one is
    /// elected.
    Body { Board = "BOARD", InterimBoard = "INTERIM_BOARD" }
);

stored_values!(
    /// What a change in the log did: the mutation that made it, or an event
    /// (an assignment taking effect, a proposal failing). The log's column
    /// stays text: an entry keeps the spelling it was written with, and a
    /// process of an older version reading a newer one's entry (a rolling
    /// restart) finds no value here and tells it as an update.
    Operation {
        CreateInsats = "createInsats",
        UpdateInsats = "updateInsats",
        ExtendInsats = "extendInsats",
        SetInsatsBudget = "setInsatsBudget",
        RecordInsatsOutcome = "recordInsatsOutcome",
        AddInsatsGoal = "addInsatsGoal",
        RemoveInsatsGoal = "removeInsatsGoal",
        UpdateInsatsGoal = "updateInsatsGoal",
        ShareInsats = "shareInsats",
        UnshareInsats = "unshareInsats",
        CarryOverInsats = "carryOverInsats",
        CreateForbund = "createForbund",
        UpdateForbund = "updateForbund",
        CreateMeeting = "createMeeting",
        UpdateMeeting = "updateMeeting",
        RecordDecision = "recordDecision",
        UpdateDecision = "updateDecision",
        DefineIndicator = "defineIndicator",
        ImportIndicators = "importIndicators",
        UpsertIndicatorResults = "upsertIndicatorResults",
        UpsertNationalAverages = "upsertNationalAverages",
        SetKeyFigures = "setKeyFigures",
        ImportPopulationSupport = "importPopulationSupport",
        CreateDsoAgreement = "createDsoAgreement",
        JoinDsoRing = "joinDsoRing",
        LeaveDsoRing = "leaveDsoRing",
        RearrangeDsoRing = "rearrangeDsoRing",
        CorrectDsoRingHistory = "correctDsoRingHistory",
        SetDsoAssignmentScope = "setDsoAssignmentScope",
        CloseDsoMembership = "closeDsoMembership",
        ProposeDsoRingChange = "proposeDsoRingChange",
        AcceptDsoProposal = "acceptDsoProposal",
        DeclineDsoProposal = "declineDsoProposal",
        DecideDsoProposal = "decideDsoProposal",
        WithdrawDsoProposal = "withdrawDsoProposal",
        SaveFinanceYear = "saveFinanceYear",
        CreateBudgetLine = "createBudgetLine",
        UpdateBudgetLine = "updateBudgetLine",
        DeleteBudgetLine = "deleteBudgetLine",
        SaveFinanceReport = "saveFinanceReport",
        ImportBudget = "importBudget",
        /// Every party accepted, but the change no longer fitted the ring.
        DsoProposalFailed = "dsoProposalFailed",
        /// DSO assignments began on a day (told live, never written).
        AssignmentTookEffect = "assignmentTookEffect",
    }
);

stored_values!(
    /// The kind of record a change in the log is about.
    RecordKind {
        Insats = "Insats",
        Forbund = "Forbund",
        Meeting = "Meeting",
        Decision = "Decision",
        Indicator = "Indicator",
        IndicatorResult = "IndicatorResult",
        NationalAverage = "NationalAverage",
        KeyFigure = "KeyFigure",
        PopulationSupport = "PopulationSupport",
        DsoAgreement = "DsoAgreement",
        DsoAssignment = "DsoAssignment",
        DsoMember = "DsoMember",
        DsoProposal = "DsoProposal",
        FinanceYear = "FinanceYear",
        BudgetLine = "BudgetLine",
        FinanceReport = "FinanceReport",
    }
);
