//! English. The names spec §1 fixes are kept word for word: tests find things by them.

use super::texts::*;

pub static TEXTS: Texts = Texts {
    language: LanguageTexts {
        label: "Language",
        save: "Save language",
        hint: "Pages, mail and text messages to you are written in it.",
    },
    errors: ErrorTexts {
        unauthorized: "Your session has ended. Sign in again.",
        forbidden: "You do not have permission to open this page.",
        busy: "The server is busy. Try again in a moment.",
        not_found: "That record does not exist.",
        bad_request: "The request could not be understood.",
        network: "Could not reach the server. Check your connection and try again.",
        internal: "Something went wrong on the server. Try again in a moment.",
    },
    nav: NavTexts {
        main: "Main",
        maintenance: "Maintenance",
        system: "System",
        home: "Home",
        my_account: "My account",
        organisation_personnel: "Organisation › Personnel",
        personnel: "Personnel",
        permissions: "Permissions",
        security: "Security",
        no_pages: "No pages for your permissions.",
        sign_out: "Sign out",
        page_not_found: "Page not found",
        go_home: "Go to the home page",
    },
    sign_in: SignInTexts {
        title: "Sign in",
        username: "Username",
        password: "Password",
        submit: "Sign in",
        or: "or",
        with_passkey: "Sign in with a passkey",
        no_passkey_used: "No passkey was used. Try again, or sign in with your password.",
        passkey_unavailable: "This browser cannot use a passkey here.",
        passkey_needs_script: "Passkeys need JavaScript, which is off in this browser.",
    },
    code: CodeTexts {
        heading: "Enter your security code",
        heading_passkey: "Use your passkey",
        sent_to: "We sent a code to ",
        works_once_for: |time| format!(". It works once, for {time}."),
        open_app: "Open your authenticator app.",
        recovery_hint: "Type one of your recovery codes (xxxxx-xxxxx). Each works once.",
        passkey_hint: "Use your passkey: your device asks for your fingerprint, face or PIN.",
        security_code: "Security code",
        trust_this_ip: "Trust this IP",
        trust_hint: "Tick it only on your office network, never on a shared or public one.",
        verify: "Verify",
        cancel: "Cancel",
        use_passkey: "Use a passkey",
        send_new_code: "Send a new code",
        email_instead: "Email me a code instead",
        text_instead: "Text me a code instead",
        use_recovery: "Use a recovery code",
        use_app: "Use the authenticator app",
        new_code_on_its_way: "A new code is on its way. Only the newest code works.",
        code_on_its_way: "A code is on its way.",
        code_spent: "This code can no longer be used. Sign in again.",
    },
    home: HomeTexts {
        welcome: "Welcome",
        welcome_name: "Welcome, ",
        lead: "Use the Maintenance and System tabs above to find your way around.",
        no_code_asked: "No code was asked: ",
        trusted_until: " is trusted for you until ",
        manage_in_account: "Manage it in My account",
        from_office: |name| format!("you signed in from the office network {name}."),
    },
    time: TimeTexts {
        second: ("second", "seconds"),
        minute: ("minute", "minutes"),
        hour: ("hour", "hours"),
        day: ("day", "days"),
        just_now: "just now",
        ahead: |span| format!("in {span}"),
        ago: |span| format!("{span} ago"),
        singular: |count| count == 1,
        day_first: false,
    },
    account: &super::account_texts::EN,
    system: &super::system_texts::EN,
    pages: PageTexts {
        refused: "You do not have permission to open this page.",
    },
    password: PasswordTexts {
        hint: |min| format!("At least {min} characters, hard to guess: a few unrelated words work well."),
        too_short: |min| format!("Use at least {min} characters."),
        too_long: |max| format!("Use at most {max} characters."),
    },
    loading: "Loading…",
};

#[cfg(feature = "ssr")]
pub static SERVER_TEXTS: ServerTexts = ServerTexts {
    refusals: RefusalTexts {
        incorrect_credentials: "Incorrect username or password.",
        no_channel: "Two-step authentication is on, but no email address is on file for you. \
                     Ask an administrator to add one in Personnel.",
        wrong_code: "That code is not valid.",
        passkey_not_accepted: "The passkey was not accepted. Try again, or choose another way.",
        code_spent: "This code can no longer be used. Sign in again.",
        send_failed: "We could not send your code. Try again in a moment.",
        second_step_locked: "Signing in is locked: too many wrong security codes were entered for \
                             your account. Ask an administrator to set a new password for you.",
        not_your_way: "That way of signing in is not set up for your account.",
        own_details_in_my_account: "Your own email, mobile number and password are changed in My account.",
        too_many_codes: |wait| format!("Too many codes were sent to you. Wait {wait}, then sign in again."),
        sent_moments_ago: |wait| {
            format!("A code was sent moments ago. Wait {wait} before asking for a new one.")
        },
    },
    mail: MailTexts {
        hello: |name| format!("Hello {name},"),
        code_subject: "Your Twostep sign-in code",
        code_intro: "Your code to finish signing in to Twostep is:",
        code_works_once: |time| format!("It works once, for {time}."),
        code_not_you: "If this was not you, someone knows your password: change your password now.",
        network_subject: "Twostep: a network was trusted for your sign-in",
        network_trusted: |network, days| {
            format!(
                "The network {network} is now trusted for your Twostep sign-in: for {days} days, \
                 signing in from there asks only for your password."
            )
        },
        network_not_you: "If this was not you, change your password now and ask an administrator to \
                          delete the entry on the Security page.",
        two_step_subject: |on| format!("Twostep: two-step authentication was turned {}", on_off(on)),
        two_step_turned: |who, on| {
            format!(
                "{who} turned two-step authentication {} for everyone.",
                on_off(on)
            )
        },
        two_step_check: "If this was not expected, check System › Security now.",
        notice_not_you: "If this was not you, change your password now and tell an administrator.",
        notice_subject: |what| format!("Twostep: {what}"),
    },
    sms_code: |code, lifetime| {
        format!(
            "Your Twostep sign-in code is {code}. It works once, for {lifetime}. \
             If this was not you, change your password."
        )
    },
};

#[cfg(feature = "ssr")]
fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
