//! Nederlands, zoals het in Belgische kantoren gesproken wordt (u-vorm). The terms of
//! spec §1 are kept the same everywhere.

use super::texts::*;

pub static TEXTS: Texts = Texts {
    language: LanguageTexts {
        label: "Taal",
        save: "Taal opslaan",
        hint: "Pagina's, e-mails en sms'en aan u worden in deze taal geschreven.",
    },
    errors: ErrorTexts {
        unauthorized: "Uw sessie is beëindigd. Meld u opnieuw aan.",
        forbidden: "U hebt geen toestemming om deze pagina te openen.",
        busy: "De server is bezet. Probeer het zo meteen opnieuw.",
        not_found: "Dat gegeven bestaat niet.",
        bad_request: "Het verzoek werd niet begrepen.",
        network: "De server is niet bereikbaar. Controleer uw verbinding en probeer opnieuw.",
        internal: "Er ging iets mis op de server. Probeer het zo meteen opnieuw.",
    },
    nav: NavTexts {
        main: "Hoofdmenu",
        maintenance: "Onderhoud",
        system: "Systeem",
        home: "Start",
        my_account: "Mijn account",
        organisation_personnel: "Organisatie › Personeel",
        personnel: "Personeel",
        permissions: "Rechten",
        security: "Beveiliging",
        no_pages: "Geen pagina's voor uw rechten.",
        sign_out: "Afmelden",
        page_not_found: "Pagina niet gevonden",
        go_home: "Naar de startpagina",
    },
    sign_in: SignInTexts {
        title: "Aanmelden",
        username: "Gebruikersnaam",
        password: "Wachtwoord",
        submit: "Aanmelden",
        or: "of",
        with_passkey: "Aanmelden met een toegangssleutel",
        no_passkey_used: "Er werd geen toegangssleutel gebruikt. Probeer opnieuw, of meld u aan met uw wachtwoord.",
        passkey_unavailable: "Deze browser kan hier geen toegangssleutel gebruiken.",
        passkey_needs_script: "Toegangssleutels hebben JavaScript nodig, en dat staat uit in deze browser.",
    },
    code: CodeTexts {
        heading: "Geef uw beveiligingscode in",
        heading_passkey: "Gebruik uw toegangssleutel",
        sent_to: "We hebben een code gestuurd naar ",
        works_once_for: |time| format!(". Ze werkt één keer, gedurende {time}."),
        open_app: "Open uw authenticator-app.",
        recovery_hint: "Typ een van uw herstelcodes (xxxxx-xxxxx). Elke code werkt één keer.",
        passkey_hint: "Gebruik uw toegangssleutel: uw toestel vraagt uw vingerafdruk, gezicht of pincode.",
        security_code: "Beveiligingscode",
        trust_this_ip: "Dit IP-adres vertrouwen",
        trust_hint: "Vink dit alleen aan op het netwerk van uw kantoor, nooit op een gedeeld of openbaar netwerk.",
        verify: "Bevestigen",
        cancel: "Annuleren",
        use_passkey: "Een toegangssleutel gebruiken",
        send_new_code: "Nieuwe code sturen",
        email_instead: "Stuur me liever een code per e-mail",
        text_instead: "Stuur me liever een code per sms",
        use_recovery: "Een herstelcode gebruiken",
        use_app: "De authenticator-app gebruiken",
        new_code_on_its_way: "Er is een nieuwe code onderweg. Alleen de nieuwste code werkt.",
        code_on_its_way: "Er is een code onderweg.",
        code_spent: "Deze code kan niet meer gebruikt worden. Meld u opnieuw aan.",
    },
    home: HomeTexts {
        welcome: "Welkom",
        welcome_name: "Welkom, ",
        lead: "Gebruik de tabbladen Onderhoud en Systeem hierboven om uw weg te vinden.",
        no_code_asked: "Er werd geen code gevraagd: ",
        trusted_until: " wordt voor u vertrouwd tot ",
        manage_in_account: "Beheer dit in Mijn account",
        from_office: |name| format!("u hebt zich aangemeld vanaf het kantoornetwerk {name}."),
    },
    time: TimeTexts {
        second: ("seconde", "seconden"),
        minute: ("minuut", "minuten"),
        hour: ("uur", "uur"),
        day: ("dag", "dagen"),
        just_now: "zonet",
        ahead: |span| format!("over {span}"),
        ago: |span| format!("{span} geleden"),
        singular: |count| count == 1,
        day_first: true,
    },
    account: &super::account_texts::NL,
    system: &super::system_texts::NL,
    pages: PageTexts {
        refused: "U hebt geen toestemming om deze pagina te openen.",
    },
    password: PasswordTexts {
        hint: |min| format!("Minstens {min} tekens, moeilijk te raden: een paar losse woorden werken goed."),
        too_short: |min| format!("Gebruik minstens {min} tekens."),
        too_long: |max| format!("Gebruik hoogstens {max} tekens."),
    },
    loading: "Laden…",
};

#[cfg(feature = "ssr")]
pub static SERVER_TEXTS: ServerTexts = ServerTexts {
    refusals: RefusalTexts {
        incorrect_credentials: "Onjuiste gebruikersnaam of wachtwoord.",
        no_channel: "Tweestapsverificatie staat aan, maar er is geen e-mailadres van u bekend. \
                     Vraag een beheerder om er een toe te voegen in Personeel.",
        wrong_code: "Die code is niet geldig.",
        passkey_not_accepted: "De toegangssleutel werd niet aanvaard. Probeer opnieuw, of kies een andere manier.",
        code_spent: "Deze code kan niet meer gebruikt worden. Meld u opnieuw aan.",
        send_failed: "We konden uw code niet versturen. Probeer het zo meteen opnieuw.",
        second_step_locked: "Aanmelden is geblokkeerd: er werden te veel foute beveiligingscodes \
                             ingegeven voor uw account. Vraag een beheerder om een nieuw wachtwoord \
                             voor u in te stellen.",
        not_your_way: "Die manier van aanmelden is niet ingesteld voor uw account.",
        own_details_in_my_account: "Uw eigen e-mailadres, gsm-nummer en wachtwoord wijzigt u in Mijn account.",
        too_many_codes: |wait| {
            format!("Er werden te veel codes naar u gestuurd. Wacht {wait} en meld u dan opnieuw aan.")
        },
        sent_moments_ago: |wait| {
            format!("Er werd net een code gestuurd. Wacht {wait} voor u een nieuwe vraagt.")
        },
    },
    mail: MailTexts {
        hello: |name| format!("Beste {name},"),
        code_subject: "Uw aanmeldcode voor Twostep",
        code_intro: "Uw code om het aanmelden bij Twostep te voltooien:",
        code_works_once: |time| format!("Ze werkt één keer, gedurende {time}."),
        code_not_you: "Was u dit niet? Dan kent iemand uw wachtwoord: wijzig uw wachtwoord nu.",
        network_subject: "Twostep: een netwerk wordt vertrouwd voor uw aanmelding",
        network_trusted: |network, days| {
            format!(
                "Het netwerk {network} wordt nu vertrouwd voor uw aanmelding bij Twostep: \
                 gedurende {days} dagen vraagt aanmelden van daaruit alleen uw wachtwoord."
            )
        },
        network_not_you: "Was u dit niet? Wijzig dan nu uw wachtwoord en vraag een beheerder om de \
                          vermelding op de pagina Beveiliging te verwijderen.",
        two_step_subject: |on| format!("Twostep: tweestapsverificatie werd {}", on_off(on)),
        two_step_turned: |who, on| format!("{who} heeft tweestapsverificatie voor iedereen {}.", on_off(on)),
        two_step_check: "Was dit niet verwacht? Controleer dan nu Systeem › Beveiliging.",
        notice_not_you: "Was u dit niet? Wijzig dan nu uw wachtwoord en verwittig een beheerder.",
        notice_subject: |what| format!("Twostep: {what}"),
    },
    sms_code: |code, lifetime| {
        format!(
            "Uw Twostep-code is {code}. Ze werkt één keer, gedurende {lifetime}. \
             Was u dit niet? Wijzig uw wachtwoord."
        )
    },
};

#[cfg(feature = "ssr")]
fn on_off(on: bool) -> &'static str {
    if on { "aangezet" } else { "uitgezet" }
}
