//! The key map: a terminal event becomes an [`Action`], depending on what
//! is on screen (a prompt takes text; a window closes; otherwise the keys
//! below). Mouse positions are resolved against the last frame ([`Ui`]).

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::app::{Action, App, Overlay, Prompt, Screen};
use super::views::Ui;

/// The action for an event, if any.
pub fn action(app: &App, ui: &Ui, event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => key_action(app, ui, key),
        Event::Mouse(m) if app.overlay == Overlay::None => mouse_action(app, ui, *m),
        Event::Mouse(m)
            if matches!(app.overlay, Overlay::Help | Overlay::Log | Overlay::Reason) =>
        {
            match m.kind {
                MouseEventKind::ScrollDown => Some(Action::ScrollDown),
                MouseEventKind::ScrollUp => Some(Action::ScrollUp),
                _ => None,
            }
        }
        _ => None,
    }
}

fn key_action(app: &App, ui: &Ui, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Some(Action::Quit);
    }
    match &app.overlay {
        Overlay::Prompt(Prompt::Columns(_)) => match key.code {
            KeyCode::Up => Some(Action::Up),
            KeyCode::Down => Some(Action::Down),
            KeyCode::Left => Some(Action::PrevChoice),
            KeyCode::Right => Some(Action::NextChoice),
            _ => prompt_key(key, ctrl),
        },
        Overlay::Prompt(_) => prompt_key(key, ctrl),
        Overlay::Confirm(_) => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Action::Yes),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::No),
            _ => None,
        },
        Overlay::Help | Overlay::Log | Overlay::Reason => match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => Some(Action::Back),
            KeyCode::Char('?') => Some(Action::Help),
            KeyCode::Char('L') => Some(Action::Log),
            KeyCode::Char('w') => Some(Action::Reason),
            KeyCode::Char('j') | KeyCode::Down => Some(Action::Down),
            KeyCode::Char('k') | KeyCode::Up => Some(Action::Up),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown(ui.page_rows)),
            KeyCode::PageUp => Some(Action::PageUp(ui.page_rows)),
            KeyCode::Char('g') | KeyCode::Home => Some(Action::Top),
            _ => None,
        },
        Overlay::Unsubscribe(_) => match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => Some(Action::Back),
            KeyCode::Char('?') => Some(Action::Help),
            KeyCode::Char('u') => Some(Action::Unsubscribe),
            // The keys the window names.
            KeyCode::Char('e') => Some(Action::Export),
            KeyCode::Char('m') => Some(Action::ManualOptOut),
            KeyCode::Char('y') => Some(Action::Copy),
            KeyCode::Char('s') => Some(Action::SendNow),
            _ => None,
        },
        Overlay::Manual(list) => manual_list_key(list.confirm, ui, key),
        // Esc stops the sends after the current one (closes once done).
        Overlay::Sending => match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => Some(Action::Back),
            _ => None,
        },
        Overlay::None => normal_key(app, ui, key),
    }
}

/// The `M` list: move, `d` removes (after y/n), `U` undoes.
fn manual_list_key(confirm: bool, ui: &Ui, key: &KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Char('y' | 'Y') if confirm => Action::Yes,
        KeyCode::Char('n' | 'N') | KeyCode::Esc if confirm => Action::No,
        _ if confirm => return None,
        KeyCode::Esc | KeyCode::Char('q' | 'M') => Action::Back,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::PageDown => Action::PageDown(ui.page_rows),
        KeyCode::PageUp => Action::PageUp(ui.page_rows),
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('d') | KeyCode::Delete => Action::RemoveRecord,
        KeyCode::Char('U') => Action::Undo,
        _ => return None,
    })
}

fn prompt_key(key: &KeyEvent, ctrl: bool) -> Option<Action> {
    Some(match key.code {
        KeyCode::Esc => Action::Cancel,
        KeyCode::Enter => Action::Submit,
        KeyCode::Tab | KeyCode::BackTab => Action::NextField,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Char('u') if ctrl => Action::ClearInput,
        KeyCode::Char(c) if !ctrl => Action::Input(c),
        _ => return None,
    })
}

fn normal_key(app: &App, ui: &Ui, key: &KeyEvent) -> Option<Action> {
    let page = ui.page_rows;
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc | KeyCode::Backspace | KeyCode::Left | KeyCode::Char('h')
            if app.screen != Screen::Senders || key.code == KeyCode::Esc =>
        {
            Action::Back
        }
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::PageDown => Action::PageDown(page),
        KeyCode::PageUp => Action::PageUp(page),
        KeyCode::Char('d') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            Action::PageDown(page)
        }
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => Action::Open,
        KeyCode::Tab => Action::NextScreen,
        KeyCode::BackTab => Action::PrevScreen,
        KeyCode::Char('1') => Action::Show(Screen::Senders),
        KeyCode::Char('2') => Action::Show(Screen::Timeline),
        KeyCode::Char('3' | 'o') => Action::Show(Screen::Overview),
        KeyCode::Char('O') => Action::Show(Screen::Offenders),
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('/') => Action::Search,
        KeyCode::Char('f') => Action::CycleFilter,
        KeyCode::Char('s') => Action::CycleSort,
        KeyCode::Char('b') => Action::ToggleGroup,
        KeyCode::Char('i') => Action::ToggleIgnore,
        KeyCode::Char('a') => Action::ToggleAll,
        KeyCode::Char('U') => Action::Undo,
        KeyCode::Char('L') => Action::Log,
        KeyCode::Char('m') => Action::ManualOptOut,
        KeyCode::Char('M') => Action::ManualList,
        KeyCode::Char('u') => Action::Unsubscribe,
        KeyCode::Char('y') => Action::Copy,
        KeyCode::Char('S') => Action::SendAll,
        KeyCode::Char('e') => Action::Export,
        KeyCode::Char('I') => Action::Import,
        KeyCode::Char('r') => Action::ToggleRules,
        KeyCode::Char('R') => Action::Refresh,
        KeyCode::Char('w') => Action::Reason,
        _ => return None,
    })
}

fn mouse_action(app: &App, ui: &Ui, m: MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::ScrollDown => Some(Action::ScrollDown),
        MouseEventKind::ScrollUp => Some(Action::ScrollUp),
        MouseEventKind::Down(MouseButton::Left) => match app.screen {
            Screen::Senders => ui.senders_row_at(m.column, m.row).map(Action::Click),
            Screen::Timeline => ui
                .timeline_index_at(m.row)
                .map(|i| Action::Click(i as usize)),
            _ => None,
        },
        _ => None,
    }
}
