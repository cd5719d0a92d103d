//! Bearer-token validation (DESIGN.md, "Access"): `iss`, `aud` and `exp`
//! always checked, `nbf` honoured, `alg: none` and unknown `kid` refused.
//!
//! A token whose `iss` is a configured OpenID Connect provider is checked
//! with that provider's keys (`providers`: discovered, refetched on an
//! unknown `kid` at a bounded rate), with an asymmetric algorithm only, its
//! `aud` (a string or an array) against the provider's audiences, and its
//! roles kept within the provider's grants (`grants`). Otherwise the
//! algorithm allow-list from config applies: HS256 with a configured secret
//! is for development (and refused outright with `dev_tokens = false`);
//! RS256/ES256/EdDSA public keys come from PEM files or a JWKS file and are
//! chosen by `kid`. Tokens are never logged.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::{Principal, Role};
use crate::config::AuthSettings;

/// The claims finsam-graph reads and `finsam token` writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forbund: Option<String>,
    #[serde(default)]
    pub roles: Vec<String>,
    pub iss: String,
    pub aud: String,
    /// Required: a missing one is refused by the validation (not read as 0).
    #[serde(default)]
    pub exp: i64,
    #[serde(default)]
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Why a token was refused; the text is what the client sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("algorithm not allowed")]
    AlgorithmNotAllowed,
    #[error("unknown key id")]
    UnknownKey,
    #[error("bad signature")]
    BadSignature,
    #[error("token expired")]
    Expired,
    #[error("token not yet valid")]
    NotYetValid,
    #[error("wrong issuer")]
    WrongIssuer,
    #[error("wrong audience")]
    WrongAudience,
    #[error("missing claim {0}")]
    MissingClaim(String),
    #[error("the identity provider {0} could not be reached; try again shortly")]
    ProviderUnreachable(String),
    #[error("development tokens are not accepted here; sign in through your identity provider")]
    DevTokensOff,
    #[error("the token's issuer is not a configured identity provider")]
    UnknownIssuer,
}

/// Verification keys and rules, built once from settings.
pub struct TokenValidator {
    allowed: HashSet<Algorithm>,
    issuer: String,
    audience: String,
    leeway: u64,
    secret: Option<Vec<u8>>,
    by_kid: HashMap<String, (Algorithm, DecodingKey)>,
    dev_tokens: bool,
    pub providers: super::providers::Providers,
    accepted: Accepted,
}

const HMAC: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

fn refusal(e: jsonwebtoken::errors::Error) -> TokenError {
    match e.kind() {
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::InvalidSignature => TokenError::BadSignature,
        ErrorKind::InvalidAlgorithm => TokenError::AlgorithmNotAllowed,
        ErrorKind::MissingRequiredClaim(c) => TokenError::MissingClaim(c.clone()),
        _ => TokenError::Malformed,
    }
}

/// A claim of the payload before the signature is checked: only to choose
/// the provider whose keys then decide, or (once they have) to know until
/// when an accepted token may be remembered.
fn unverified_claim(token: &str, name: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let mut value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get_mut(name).map(serde_json::Value::take)
}

/// When a token that `validate` accepted stops being valid (its `exp`, in
/// seconds since the epoch): what a subscription opened with it is held to.
/// Read without checking, so only for a token already validated.
pub fn expires_at(token: &str) -> Option<i64> {
    unverified_claim(token, "exp").and_then(|exp| exp.as_i64())
}

fn unverified_issuer(token: &str) -> Option<String> {
    match unverified_claim(token, "iss")? {
        serde_json::Value::String(iss) => Some(iss),
        _ => None,
    }
}

/// How long an accepted token is remembered at most: a key withdrawn from a
/// provider's JWKS stops a token it signed within this time (a token's own
/// `exp` always ends it sooner when sooner).
const ACCEPTED_FOR: std::time::Duration = std::time::Duration::from_secs(60);

/// Tokens already validated, by their exact text, until their `exp` or
/// `ACCEPTED_FOR`, whichever comes first. A client sends the same token on
/// every request until it expires; checking its signature and claims again
/// each time was a fifth of a small request's CPU. Only acceptances are
/// kept: a refused token is checked afresh every time.
struct Accepted {
    kept: std::sync::Mutex<lru::LruCache<Box<str>, (Principal, std::time::Instant)>>,
}

impl Accepted {
    fn new() -> Self {
        Accepted {
            kept: std::sync::Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(4096).unwrap_or(std::num::NonZeroUsize::MIN),
            )),
        }
    }

    fn get(&self, token: &str) -> Option<Principal> {
        let mut kept = self.kept.lock().ok()?;
        match kept.get(token) {
            Some((principal, until)) if *until > std::time::Instant::now() => {
                Some(principal.clone())
            }
            Some(_) => {
                kept.pop(token);
                None
            }
            None => None,
        }
    }

    fn keep(&self, token: &str, principal: &Principal) {
        let Some(exp) = unverified_claim(token, "exp").and_then(|e| e.as_i64()) else {
            return;
        };
        let left = exp - chrono::Utc::now().timestamp();
        let Ok(left) = u64::try_from(left) else {
            return;
        };
        let keep_for = ACCEPTED_FOR.min(std::time::Duration::from_secs(left));
        if let Ok(mut kept) = self.kept.lock() {
            kept.put(
                token.into(),
                (principal.clone(), std::time::Instant::now() + keep_for),
            );
        }
    }
}

impl TokenValidator {
    /// Without providers (the command line, unit tests).
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        Self::with_providers(settings, &crate::metrics::Metrics::new()?)
    }

    pub fn with_providers(
        settings: &AuthSettings,
        metrics: &crate::metrics::Metrics,
    ) -> anyhow::Result<Self> {
        let mut allowed = HashSet::new();
        for name in &settings.algorithms {
            let alg: Algorithm = name
                .parse()
                .map_err(|_| anyhow::anyhow!("auth.algorithms: unknown algorithm {name}"))?;
            allowed.insert(alg);
        }
        let secret = settings.hs256_secret.expose_secret().as_bytes().to_vec();
        let mut by_kid = HashMap::new();
        for key in &settings.keys {
            let alg: Algorithm = key
                .algorithm
                .parse()
                .map_err(|_| anyhow::anyhow!("auth.keys: unknown algorithm {}", key.algorithm))?;
            let pem = std::fs::read(&key.pem_file).map_err(|e| {
                anyhow::anyhow!("auth.keys: cannot read {}: {e}", key.pem_file.display())
            })?;
            let decoding = match alg {
                Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512 => DecodingKey::from_rsa_pem(&pem)?,
                Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(&pem)?,
                Algorithm::EdDSA => DecodingKey::from_ed_pem(&pem)?,
                _ => anyhow::bail!("auth.keys: {} is not a public-key algorithm", key.algorithm),
            };
            by_kid.insert(key.kid.clone(), (alg, decoding));
        }
        if let Some(path) = &settings.jwks_file {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("auth.jwks_file: cannot read {}: {e}", path.display())
            })?;
            let set: JwkSet = serde_json::from_str(&text)?;
            for jwk in &set.keys {
                let Some(kid) = jwk.common.key_id.clone() else {
                    anyhow::bail!("auth.jwks_file: every key needs a kid");
                };
                let alg = match jwk.common.key_algorithm {
                    Some(ka) => ka.to_string().parse().map_err(|_| {
                        anyhow::anyhow!("auth.jwks_file: key {kid} has an unusable alg")
                    })?,
                    None => anyhow::bail!("auth.jwks_file: key {kid} needs an alg"),
                };
                by_kid.insert(kid, (alg, DecodingKey::from_jwk(jwk)?));
            }
        }
        Ok(TokenValidator {
            allowed,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            leeway: settings.leeway_secs,
            secret: (!secret.is_empty()).then_some(secret),
            by_kid,
            dev_tokens: settings.dev_tokens,
            providers: super::providers::Providers::from_settings(settings, metrics)?,
            accepted: Accepted::new(),
        })
    }

    /// A token of a configured provider, checked with its keys and grants.
    async fn validate_provider(
        &self,
        provider: &super::providers::Provider,
        token: &str,
        header: &Header,
    ) -> Result<Principal, TokenError> {
        use super::providers::KeyProblem;
        let issuer = &provider.settings.issuer;
        let kid = header.kid.as_deref().ok_or(TokenError::UnknownKey)?;
        let (alg, key) = provider.key(kid).await.map_err(|problem| match problem {
            KeyProblem::Unknown => TokenError::UnknownKey,
            KeyProblem::Unreachable => TokenError::ProviderUnreachable(issuer.clone()),
        })?;
        // The key's own algorithm, and never a shared-secret one: this
        // refuses an HS256 token "signed" with the provider's public key.
        if alg != header.alg || HMAC.contains(&alg) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        let mut validation = Validation::new(alg);
        validation.leeway = self.leeway;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&provider.settings.audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data =
            jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation).map_err(refusal)?;
        let (principal, refused) = super::grants::principal(&provider.settings, &data.claims);
        for r in refused {
            tracing::warn!(
                issuer = %issuer,
                role = %r.role,
                forbund = r.forbund.as_deref().unwrap_or("-"),
                "a token claimed a role its provider may not grant; the role is ignored"
            );
        }
        Ok(principal)
    }

    /// Validates a bearer token and returns who it speaks for.
    pub async fn validate(&self, token: &str) -> Result<Principal, TokenError> {
        if let Some(principal) = self.accepted.get(token) {
            return Ok(principal);
        }
        let principal = self.validate_afresh(token).await?;
        self.accepted.keep(token, &principal);
        Ok(principal)
    }

    async fn validate_afresh(&self, token: &str) -> Result<Principal, TokenError> {
        // `alg: none` is not an Algorithm jsonwebtoken knows, so look at the
        // raw header first to give the precise reason.
        if header_alg(token).is_some_and(|alg| alg.eq_ignore_ascii_case("none")) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|e| match e.kind() {
            ErrorKind::InvalidAlgorithmName => TokenError::AlgorithmNotAllowed,
            _ => TokenError::Malformed,
        })?;
        if let Some(provider) =
            unverified_issuer(token).and_then(|iss| self.providers.by_issuer(&iss))
        {
            return self.validate_provider(provider, token, &header).await;
        }
        if HMAC.contains(&header.alg) && !self.dev_tokens {
            return Err(TokenError::DevTokensOff);
        }
        if !HMAC.contains(&header.alg) && self.by_kid.is_empty() {
            return Err(TokenError::UnknownIssuer);
        }
        if !self.allowed.contains(&header.alg) {
            return Err(TokenError::AlgorithmNotAllowed);
        }
        let hmac_key;
        let key = match &header.kid {
            Some(kid) => {
                let (alg, key) = self.by_kid.get(kid).ok_or(TokenError::UnknownKey)?;
                // A key is used only with its own algorithm: this refuses an
                // HS256 token "signed" with a public key's bytes.
                if *alg != header.alg {
                    return Err(TokenError::AlgorithmNotAllowed);
                }
                key
            }
            None if HMAC.contains(&header.alg) => {
                let secret = self.secret.as_ref().ok_or(TokenError::UnknownKey)?;
                hmac_key = DecodingKey::from_secret(secret);
                &hmac_key
            }
            None => return Err(TokenError::UnknownKey),
        };
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(refusal)?;
        let claims = data.claims;
        let roles: Vec<Role> = claims.roles.iter().filter_map(|r| Role::parse(r)).collect();
        // No role of ours: anonymous, as on the OpenID Connect path
        // (`grants::principal`); a signed-in caller without a role would
        // otherwise see what signed-in callers see, budgets among it.
        if roles.is_empty() {
            return Ok(Principal::anonymous());
        }
        Ok(Principal {
            sub: Some(claims.sub),
            forbund: claims.forbund,
            roles,
        })
    }
}

fn header_alg(token: &str) -> Option<String> {
    let head = token.split('.').next()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(head.trim_end_matches('='))
        .ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("alg")?.as_str().map(str::to_owned)
}

/// Mints a development token signed with the configured HS256 secret
/// (`finsam token`, and the end-to-end tests).
pub fn mint_dev_token(
    settings: &AuthSettings,
    sub: &str,
    forbund: Option<&str>,
    roles: &[Role],
    ttl: std::time::Duration,
) -> anyhow::Result<String> {
    let secret = settings.hs256_secret.expose_secret();
    anyhow::ensure!(
        !secret.is_empty(),
        "auth.hs256_secret is empty: cannot sign"
    );
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: sub.to_string(),
        forbund: forbund.map(str::to_owned),
        roles: roles.iter().map(|r| r.as_claim().to_string()).collect(),
        iss: settings.issuer.clone(),
        aud: settings.audience.clone(),
        iat: now,
        exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
        nbf: None,
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;
    use std::time::Duration;

    fn settings() -> AuthSettings {
        Settings::load(None).expect("settings").auth
    }

    #[tokio::test]
    async fn a_minted_token_validates_to_its_principal() {
        let s = settings();
        let token = mint_dev_token(
            &s,
            "u1",
            Some("varend"),
            &[Role::Editor],
            Duration::from_secs(60),
        )
        .expect("mint");
        let p = TokenValidator::from_settings(&s)
            .expect("validator")
            .validate(&token)
            .await
            .expect("valid");
        assert_eq!(p.sub.as_deref(), Some("u1"));
        assert_eq!(p.forbund.as_deref(), Some("varend"));
        assert_eq!(p.roles, vec![Role::Editor]);
    }

    #[tokio::test]
    async fn unsigned_tokens_are_refused() {
        let s = settings();
        let v = TokenValidator::from_settings(&s).expect("validator");
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let token = format!(
            "{}.{}.",
            b64(r#"{"alg":"none","typ":"JWT"}"#),
            b64(r#"{"sub":"x","iss":"finsam-dev","aud":"finsam-graph","exp":9999999999}"#)
        );
        assert_eq!(
            v.validate(&token).await,
            Err(TokenError::AlgorithmNotAllowed)
        );
        assert_eq!(v.validate("garbage").await, Err(TokenError::Malformed));
    }

    #[tokio::test]
    async fn accepted_tokens_are_remembered_only_until_they_expire() {
        let s = settings();
        let v = TokenValidator::from_settings(&s).expect("validator");
        let token = mint_dev_token(&s, "u2", None, &[Role::Editor], Duration::from_secs(600))
            .expect("mint");
        assert!(v.accepted.get(&token).is_none());
        let first = v.validate(&token).await.expect("valid");
        assert_eq!(v.accepted.get(&token), Some(first));
        // One whose exp has passed (accepted within the leeway) is not kept.
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "u3".into(),
            forbund: None,
            roles: vec![],
            iss: s.issuer.clone(),
            aud: s.audience.clone(),
            iat: now - 30,
            exp: now - 5,
            nbf: None,
        };
        let late = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(s.hs256_secret.expose_secret().as_bytes()),
        )
        .expect("encode");
        v.validate(&late).await.expect("within the leeway");
        assert!(v.accepted.get(&late).is_none());
        // A refusal is never kept.
        let signed = token.rsplit_once('.').expect("three parts").0;
        let forged = format!("{signed}.c2lnbmF0dXJl");
        assert!(v.validate(&forged).await.is_err());
        assert!(v.accepted.get(&forged).is_none());
    }
}
