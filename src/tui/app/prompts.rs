//! The text prompts being edited and submitted: search, manual opt-out,
//! export, import.

use super::{
    Action, App, Effect, ExportField, ExportScope, ManualField, Overlay, Prompt, Screen, Search,
    Target,
};
use crate::text;
use crate::track::Status;

impl App {
    pub(super) fn prompt(&mut self, prompt: Prompt, action: &Action) -> Vec<Effect> {
        if matches!(action, Action::Cancel) {
            if matches!(prompt, Prompt::Search { .. }) {
                // Esc puts back the search there was before typing.
                self.search = self.search_before.take();
                self.rebuild_rows();
            }
            self.overlay = Overlay::None;
            return Vec::new();
        }
        match prompt {
            Prompt::Columns(p) => self.columns_prompt(p, action),
            Prompt::Search { mut text } => {
                let submit = edit(&mut text, action);
                // Sender, brand and contact names filter as you type; message
                // text is searched in the database on Enter.
                self.search = if text.is_empty() {
                    None
                } else {
                    Some(Search {
                        query: text.clone(),
                        by_text: None,
                    })
                };
                self.rebuild_rows();
                if submit {
                    self.overlay = Overlay::None;
                    self.selected = 0;
                    if self.screen != Screen::Senders {
                        self.screen = Screen::Senders;
                    }
                    if text.is_empty() {
                        self.say(self.strings.search_cleared.to_string());
                        return Vec::new();
                    }
                    return vec![Effect::Search { query: text }];
                }
                self.overlay = Overlay::Prompt(Prompt::Search { text });
                Vec::new()
            }
            Prompt::Manual {
                target,
                mut date,
                mut channel,
                mut field,
                error,
            } => {
                if matches!(action, Action::NextField) {
                    field = match field {
                        ManualField::Date => ManualField::Channel,
                        ManualField::Channel => ManualField::Date,
                    };
                }
                let submit = match field {
                    ManualField::Date => edit(&mut date, action),
                    ManualField::Channel => edit(&mut channel, action),
                };
                if submit {
                    match text::parse_user_time(&date, &self.zone) {
                        Ok((at_ms, utc_offset_s)) => {
                            self.overlay = Overlay::None;
                            let channel = if channel.trim().is_empty() {
                                "other".to_string()
                            } else {
                                channel.trim().to_string()
                            };
                            let (brand, name) = match target {
                                Target::Brand(b) => (true, b),
                                Target::Sender(k) => (false, k),
                            };
                            return vec![Effect::RecordManualOptOut {
                                brand,
                                name,
                                at_ms,
                                utc_offset_s,
                                channel,
                            }];
                        }
                        Err(e) => {
                            self.overlay = Overlay::Prompt(Prompt::Manual {
                                target,
                                date,
                                channel,
                                field: ManualField::Date,
                                error: Some(e),
                            });
                            return Vec::new();
                        }
                    }
                }
                let error = if matches!(action, Action::NextField) {
                    error
                } else {
                    None
                };
                self.overlay = Overlay::Prompt(Prompt::Manual {
                    target,
                    date,
                    channel,
                    field,
                    error,
                });
                Vec::new()
            }
            Prompt::Export {
                mut dir,
                mut file,
                mut field,
                mut scope,
                selected,
                mut redact,
                mut zh,
                error,
            } => {
                let mut error = if matches!(action, Action::Input(_) | Action::Backspace) {
                    None
                } else {
                    error
                };
                let submit = match (action, field) {
                    (Action::NextField, _) => {
                        field = field.next();
                        if field == ExportField::Scope && selected.is_none() {
                            field = field.next();
                        }
                        false
                    }
                    (Action::Submit, _) => true,
                    (_, ExportField::Dir) => edit(&mut dir, action),
                    (_, ExportField::File) => edit(&mut file, action),
                    // Space (or any key) flips a choice.
                    (Action::Input(_), ExportField::Scope) => {
                        scope = match scope {
                            ExportScope::Selected => ExportScope::AllViolating,
                            ExportScope::AllViolating => ExportScope::Selected,
                        };
                        // The default name follows what is exported.
                        if file == self.export_name(other(scope), selected.as_ref()) {
                            file = self.export_name(scope, selected.as_ref());
                        }
                        false
                    }
                    (Action::Input(_), ExportField::Redact) => {
                        redact = !redact;
                        false
                    }
                    (Action::Input(_), ExportField::Lang) => {
                        zh = !zh;
                        false
                    }
                    _ => false,
                };
                if submit {
                    let keys = self.export_keys(scope, selected.as_ref());
                    if file.trim().is_empty() {
                        error = Some(self.strings.export_need_path.to_string());
                    } else if keys.is_empty() {
                        error = Some(self.strings.export_none_violating.to_string());
                    } else {
                        self.overlay = Overlay::None;
                        let file = unquote(&file);
                        let dir = unquote(&dir);
                        let path = if dir.is_empty() || std::path::Path::new(&file).is_absolute() {
                            file
                        } else {
                            std::path::Path::new(&dir).join(file).display().to_string()
                        };
                        return vec![Effect::WriteExport {
                            sender_keys: keys,
                            path,
                            redact,
                            zh,
                            overwrite: false,
                        }];
                    }
                }
                self.overlay = Overlay::Prompt(Prompt::Export {
                    dir,
                    file,
                    field,
                    scope,
                    selected,
                    redact,
                    zh,
                    error,
                });
                Vec::new()
            }
            Prompt::Import {
                mut path,
                choices,
                error,
            } => {
                if matches!(action, Action::NextField) {
                    let typed = path.clone();
                    self.overlay = Overlay::Prompt(Prompt::Import {
                        path,
                        choices,
                        error,
                    });
                    return vec![Effect::CompletePath {
                        path: unquote(&typed),
                    }];
                }
                if edit(&mut path, action) {
                    let file = unquote(&path);
                    if file.is_empty() {
                        self.overlay = Overlay::Prompt(Prompt::Import {
                            path,
                            choices: Vec::new(),
                            error: Some(self.strings.import_need_path.to_string()),
                        });
                        return Vec::new();
                    }
                    self.overlay = Overlay::None;
                    return vec![Effect::Import {
                        path: file,
                        csv_map: None,
                    }];
                }
                let (choices, error) = if matches!(action, Action::Input(_) | Action::Backspace) {
                    (Vec::new(), None)
                } else {
                    (choices, error)
                };
                self.overlay = Overlay::Prompt(Prompt::Import {
                    path,
                    choices,
                    error,
                });
                Vec::new()
            }
        }
    }

    /// The export's default file name: what it covers and today's date,
    /// e.g. `optout-evidence-浦发银行-2026-03-23.html` or
    /// `optout-evidence-all-violating-2026-03-23.html`. An existing file of
    /// that name is never replaced without asking.
    pub fn export_name(&self, scope: ExportScope, selected: Option<&Target>) -> String {
        let date = text::zoned(self.now_ms, None, &self.zone)
            .strftime("%Y-%m-%d")
            .to_string();
        let what = match (scope, selected) {
            (ExportScope::Selected, Some(Target::Sender(k))) => self
                .sender(k)
                .and_then(|s| s.brand.clone())
                .unwrap_or_else(|| k.clone()),
            (ExportScope::Selected, Some(Target::Brand(b))) => b.clone(),
            _ => "all-violating".to_string(),
        };
        format!("optout-evidence-{}-{date}.html", file_safe(&what))
    }

    /// The sender keys an export covers.
    pub fn export_keys(&self, scope: ExportScope, selected: Option<&Target>) -> Vec<String> {
        match (scope, selected) {
            (ExportScope::Selected, Some(Target::Sender(k))) => {
                let mut keys = vec![k.clone()];
                if let Some(b) = self.sender(k).and_then(|s| s.brand.as_deref()) {
                    keys.extend(
                        self.members(b)
                            .filter(|m| m.key != *k)
                            .map(|m| m.key.clone()),
                    );
                }
                keys
            }
            (ExportScope::Selected, Some(Target::Brand(b))) => {
                self.members(b).map(|m| m.key.clone()).collect()
            }
            _ => self
                .report
                .senders
                .iter()
                .filter(|s| s.status == Status::Violating)
                .map(|s| s.key.clone())
                .collect(),
        }
    }
}

/// Applies an editing action to a prompt's text; `true` on Enter.
fn edit(text: &mut String, action: &Action) -> bool {
    match action {
        Action::Input(c) if !c.is_control() => text.push(*c),
        Action::Backspace => {
            text.pop();
        }
        Action::ClearInput => text.clear(),
        Action::Submit => return true,
        _ => {}
    }
    false
}

fn other(scope: ExportScope) -> ExportScope {
    match scope {
        ExportScope::Selected => ExportScope::AllViolating,
        ExportScope::AllViolating => ExportScope::Selected,
    }
}

/// A name as a file name: letters (any script), digits and `+` kept, the
/// rest (slashes, spaces, dots) become `-`.
fn file_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '+' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "sender".into() } else { s }
}

/// A path as typed or dragged in from a file manager: surrounding quotes
/// removed (`'My Files/sms.xml'`, `"…"`), backslash escapes undone
/// (`My\ Files/sms.xml`), a `file://` prefix dropped, spaces kept.
pub fn unquote(typed: &str) -> String {
    let t = typed.trim();
    let t = t.strip_prefix("file://").unwrap_or(t);
    for q in ['\'', '"'] {
        if let Some(rest) = t.strip_prefix(q) {
            // Closed, or still being typed.
            return rest.strip_suffix(q).unwrap_or(rest).to_string();
        }
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n) => out.push(n),
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Tab completion: the typed path becomes the longest common start of the
/// candidates; more than one candidate is listed (names only).
pub fn complete(typed: &str, candidates: &[String]) -> (String, Vec<String>) {
    let Some(first) = candidates.first() else {
        return (typed.to_string(), Vec::new());
    };
    let mut common: String = first.clone();
    for c in &candidates[1..] {
        let n: usize = common
            .chars()
            .zip(c.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        common.truncate(n);
    }
    let common = if common.chars().count() < typed.chars().count() {
        typed.to_string()
    } else {
        common
    };
    let shown = if candidates.len() > 1 {
        candidates
            .iter()
            .map(|c| {
                std::path::Path::new(c.trim_end_matches('/'))
                    .file_name()
                    .map_or_else(|| c.clone(), |n| n.to_string_lossy().into_owned())
            })
            .collect()
    } else {
        Vec::new()
    };
    (common, shown)
}
