//! A small argument splitter: `--flag`, `--key value`, and positional arguments.

/// Parsed arguments.
pub struct Args {
    /// Flags and options in order, with their values for options.
    pub options: Vec<(String, Option<String>)>,
    /// Positional arguments.
    pub positional: Vec<String>,
}

/// Splits `argv`; `with_value` names the options that take a value.
pub fn parse(argv: &[String], flags: &[&str], with_value: &[&str]) -> Result<Args, String> {
    let mut out = Args {
        options: Vec::new(),
        positional: Vec::new(),
    };
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        if flags.contains(&a.as_str()) {
            out.options.push((a.clone(), None));
        } else if with_value.contains(&a.as_str()) {
            let v = it.next().ok_or_else(|| format!("{a} needs a value"))?;
            out.options.push((a.clone(), Some(v.clone())));
        } else if a.starts_with("--") {
            return Err(format!("unknown option {a}"));
        } else {
            out.positional.push(a.clone());
        }
    }
    Ok(out)
}

impl Args {
    /// Whether a flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.options.iter().any(|(k, _)| k == name)
    }

    /// An option's value parsed as a number.
    pub fn number(&self, name: &str) -> Result<Option<u64>, String> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{name} takes a whole number, not '{v}'"))
            })
            .transpose()
    }

    /// An option's text value.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }
}
