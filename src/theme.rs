//! Light and dark: the theme is the system's `prefers-color-scheme`, and follows it when it
//! changes while the page is open, until the header's toggle picks one, which this browser then
//! keeps (localStorage). The page's colours are CSS variables under `data-theme` on the root
//! element; canvases draw their text and lines with
//! the [`Palette`] of the theme, and draw again when it changes (a canvas reads the theme as
//! it draws, through [`palette`]).

use leptos::prelude::*;

/// Where the chosen theme is kept in the browser.
const THEME_KEY: &str = "loupe.theme";

/// A theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light panels.
    Light,
    /// Light text on dark panels.
    Dark,
}

impl Theme {
    /// The name CSS selects on (`data-theme`) and the browser keeps.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The colours canvases draw text and lines in, as the CSS variables of the same names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    /// The panels' background (`--panel`).
    pub panel: (u8, u8, u8),
    /// Text (`--ink`).
    pub ink: (u8, u8, u8),
    /// Secondary text (`--muted`).
    pub muted: (u8, u8, u8),
    /// Lines and grids (`--line`).
    pub line: (u8, u8, u8),
}

impl Palette {
    /// The palette of `theme`.
    pub fn of(theme: Theme) -> Palette {
        match theme {
            Theme::Light => Palette {
                panel: (0xff, 0xff, 0xff),
                ink: (0x1d, 0x1d, 0x29),
                muted: (0x6b, 0x6b, 0x80),
                line: (0xe3, 0xe3, 0xec),
            },
            Theme::Dark => Palette {
                panel: (0x1c, 0x1d, 0x26),
                ink: (0xe6, 0xe6, 0xef),
                muted: (0x9a, 0x9a, 0xb0),
                line: (0x34, 0x35, 0x44),
            },
        }
    }

    /// A colour as CSS text.
    pub fn css((r, g, b): (u8, u8, u8)) -> String {
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// The theme in force, shared by the page, and whether the user picked it (then the system's
/// changes no longer move it, even where this browser keeps nothing).
#[derive(Clone, Copy)]
pub struct ThemeChoice(pub RwSignal<Theme>, StoredValue<bool>);

impl ThemeChoice {
    /// The theme this browser keeps, else the system's (followed as it changes); applied to
    /// the page as it changes.
    pub fn start() -> ThemeChoice {
        let system = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
        let of_system = |dark: bool| if dark { Theme::Dark } else { Theme::Light };
        let kept = kept_theme();
        let theme = kept.unwrap_or_else(|| of_system(system.as_ref().is_some_and(|m| m.matches())));
        let choice = ThemeChoice(RwSignal::new(theme), StoredValue::new(kept.is_some()));
        if let Some(system) = system {
            let query = system.clone();
            // The page's lifetime: the listener is never removed.
            gloo_events::EventListener::new(&system, "change", move |_| {
                if !choice.1.get_value() {
                    choice.0.set(of_system(query.matches()));
                }
            })
            .forget();
        }
        Effect::new(move |_| {
            let name = choice.0.get().name();
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-theme", name);
            }
        });
        choice
    }

    /// Switches to the other theme, and keeps it in this browser.
    pub fn toggle(self) {
        let theme = self.0.get_untracked().toggled();
        self.0.set(theme);
        self.1.set_value(true);
        // Where this browser keeps nothing, the choice lasts until the tab closes.
        crate::kept::set(THEME_KEY, &theme.name());
    }
}

/// The theme this browser keeps, if the toggle picked one.
fn kept_theme() -> Option<Theme> {
    match crate::kept::get::<String>(THEME_KEY).as_deref() {
        Some("dark") => Some(Theme::Dark),
        Some("light") => Some(Theme::Light),
        _ => None,
    }
}

/// The palette of the theme in force (light where no page provides one), read so that the
/// caller (a canvas's drawing effect) runs again when the theme changes.
pub fn palette() -> Palette {
    let theme = use_context::<ThemeChoice>().map_or(Theme::Light, |c| c.0.get());
    Palette::of(theme)
}

/// The header's toggle between light and dark.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let choice = expect_context::<ThemeChoice>();
    let label = move || match choice.0.get() {
        Theme::Light => "Dark mode",
        Theme::Dark => "Light mode",
    };
    view! {
        <button data-testid="theme-toggle" title=label aria-label=label
            on:click=move |_| choice.toggle()>
            {move || match choice.0.get() {
                Theme::Light => "☾",
                Theme::Dark => "☀",
            }}
        </button>
    }
}
