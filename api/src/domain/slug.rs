//! Förbund slugs: the stable, URL-safe key clients use (`vasteras`).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// 2–64 characters of a–z, 0–9 and single hyphens, not at either end.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim();
        if s.len() < 2 || s.len() > 64 {
            return Err("slug must be 2 to 64 characters");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("slug may contain only a-z, 0-9 and hyphens");
        }
        if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err("slug hyphens must separate words");
        }
        Ok(Slug(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::Slug;

    #[test]
    fn slugs_are_checked() {
        assert!(Slug::parse("sodra-dalarna").is_ok());
        assert!(Slug::parse("Västerås").is_err());
        assert!(Slug::parse("-x").is_err());
        assert!(Slug::parse("a--b").is_err());
        assert!(Slug::parse("a").is_err());
    }
}
