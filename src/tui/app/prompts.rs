//! The text prompts being edited and submitted: search, manual opt-out,
//! export, import.

use super::{
    Action, App, Effect, ExportScope, ManualField, Overlay, Prompt, Screen, Search, Target,
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
                mut path,
                mut scope,
                selected,
                error,
            } => {
                if matches!(action, Action::NextField) && selected.is_some() {
                    scope = match scope {
                        ExportScope::Selected => ExportScope::AllViolating,
                        ExportScope::AllViolating => ExportScope::Selected,
                    };
                }
                let mut error = if matches!(action, Action::NextField) {
                    None
                } else {
                    error
                };
                if edit(&mut path, action) {
                    let keys = self.export_keys(scope, selected.as_ref());
                    if path.trim().is_empty() {
                        error = Some(self.strings.export_need_path.to_string());
                    } else if keys.is_empty() {
                        error = Some(self.strings.export_none_violating.to_string());
                    } else {
                        self.overlay = Overlay::None;
                        return vec![Effect::WriteExport {
                            sender_keys: keys,
                            path: path.trim().to_string(),
                        }];
                    }
                }
                self.overlay = Overlay::Prompt(Prompt::Export {
                    path,
                    scope,
                    selected,
                    error,
                });
                Vec::new()
            }
            Prompt::Import { mut path, error } => {
                if edit(&mut path, action) {
                    if path.trim().is_empty() {
                        self.overlay = Overlay::Prompt(Prompt::Import {
                            path,
                            error: Some(self.strings.import_need_path.to_string()),
                        });
                        return Vec::new();
                    }
                    self.overlay = Overlay::None;
                    return vec![Effect::Import {
                        path: path.trim().to_string(),
                    }];
                }
                let error = if matches!(action, Action::Input(_) | Action::Backspace) {
                    None
                } else {
                    error
                };
                self.overlay = Overlay::Prompt(Prompt::Import { path, error });
                Vec::new()
            }
        }
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
