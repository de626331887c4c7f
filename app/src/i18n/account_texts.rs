//! The texts of the account pages, in each language. (Filled in by area: each field in
//! all three statics, or the build fails.)

/// What the browser shows on these pages.
pub struct AccountTexts {
    /// The **Current password** field of every form here that asks for it again.
    pub current_password: &'static str,
    pub details: DetailsTexts,
    pub contact: ContactTexts,
    pub password: PasswordTexts,
    /// My trusted IP addresses, and the table it shares with System › Security.
    pub trusted: TrustedTexts,
    pub passkeys: PasskeyTexts,
    pub app: AppTexts,
    pub recovery: RecoveryTexts,
    /// The Personnel editor's **Reset two-step methods**.
    pub reset: ResetTexts,
}

/// The person's details at the top of My account.
pub struct DetailsTexts {
    pub name: &'static str,
    pub username: &'static str,
    pub email: &'static str,
    pub mobile: &'static str,
}

/// **Email and mobile**.
pub struct ContactTexts {
    pub heading: &'static str,
    pub lead: &'static str,
    pub email: &'static str,
    pub mobile: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub nothing_changed: &'static str,
}

/// **Change password**.
pub struct PasswordTexts {
    pub heading: &'static str,
    pub new_password: &'static str,
    pub submit: &'static str,
    pub changed: &'static str,
}

/// Trusted IP addresses: My account's section and the table of both pages.
pub struct TrustedTexts {
    pub my_heading: &'static str,
    pub my_lead: &'static str,
    pub none: &'static str,
    /// Column names (and the Security page's orders that sort by them).
    pub address: &'static str,
    pub person: &'static str,
    pub added: &'static str,
    pub last_used: &'static str,
    pub expires: &'static str,
    /// Last used: never.
    pub never: &'static str,
    /// The delete buttons' column.
    pub delete: &'static str,
    /// A delete button's name: "Delete 203.0.113.7".
    pub delete_entry: fn(&str) -> String,
    /// A delete posted without JavaScript was refused: (why).
    pub not_deleted: fn(&str) -> String,
    /// A delete was refused: (network, why).
    pub network_not_deleted: fn(&str, &str) -> String,
    /// The Security page's orders besides the columns'.
    pub newest_first: &'static str,
    pub expires_soonest: &'static str,
}

/// **Passkeys** and **Add a passkey**.
pub struct PasskeyTexts {
    pub heading: &'static str,
    pub lead: &'static str,
    pub none: &'static str,
    pub caption: &'static str,
    pub name: &'static str,
    pub added: &'static str,
    pub last_used: &'static str,
    pub remove: &'static str,
    /// Last used: never.
    pub never: &'static str,
    pub rename: &'static str,
    pub new_name: &'static str,
    pub save_name: &'static str,
    /// The hidden label of a row's password field: (passkey's name).
    pub password_to_remove: fn(&str) -> String,
    /// A row's remove button: (passkey's name).
    pub remove_named: fn(&str) -> String,
    /// The form's heading and its button.
    pub add: &'static str,
    /// The name a new passkey is given unless the person types another.
    pub default_name: &'static str,
    pub name_hint: &'static str,
    pub added_note: &'static str,
}

/// **Authenticator app**.
pub struct AppTexts {
    pub heading: &'static str,
    pub off_lead: &'static str,
    pub set_up: &'static str,
    pub scan: &'static str,
    pub qr_label: &'static str,
    /// Before the secret as text: "Key: ".
    pub key: &'static str,
    pub security_code: &'static str,
    pub confirm: &'static str,
    /// Right after Confirm.
    pub now_on: &'static str,
    pub on: &'static str,
    pub remove: &'static str,
}

/// **Recovery codes**.
pub struct RecoveryTexts {
    pub heading: &'static str,
    pub lead: &'static str,
    pub none: &'static str,
    /// "3 recovery codes left".
    pub left: fn(i64) -> String,
    /// When few are left: "2 recovery codes left. Create a new set."
    pub few_left: fn(i64) -> String,
    pub new_set_hint: &'static str,
    pub create: &'static str,
    pub new_heading: &'static str,
    pub save_now: &'static str,
    pub download: &'static str,
    pub print: &'static str,
    /// The downloaded file's first line and the line under it.
    pub file_title: &'static str,
    pub file_line: &'static str,
}

/// **Reset two-step methods** (Personnel).
pub struct ResetTexts {
    pub done: &'static str,
    pub hint: &'static str,
    pub button: &'static str,
}

pub static EN: AccountTexts = AccountTexts {
    current_password: "Current password",
    details: DetailsTexts {
        name: "Name",
        username: "Username",
        email: "Email",
        mobile: "Mobile",
    },
    contact: ContactTexts {
        heading: "Email and mobile",
        lead: "Codes are sent here. A change removes your trusted IP addresses.",
        email: "Email",
        mobile: "Mobile",
        save: "Save email and mobile",
        saved: "Saved. Your trusted IP addresses were removed, and a notice was mailed to you.",
        nothing_changed: "Nothing changed.",
    },
    password: PasswordTexts {
        heading: "Change password",
        new_password: "New password",
        submit: "Change password",
        changed: "Your password was changed. Your other sessions have ended.",
    },
    trusted: TrustedTexts {
        my_heading: "My trusted IP addresses",
        my_lead: "From these addresses you sign in with your password alone until the entry expires.",
        none: "No trusted IP addresses.",
        address: "IP address",
        person: "Person",
        added: "Added",
        last_used: "Last used",
        expires: "Expires",
        never: "never",
        delete: "Delete",
        delete_entry: |network| format!("Delete {network}"),
        not_deleted: |why| format!("The address was not deleted: {why}"),
        network_not_deleted: |network, why| format!("{network} was not deleted: {why}"),
        newest_first: "Newest first",
        expires_soonest: "Expires soonest",
    },
    passkeys: PasskeyTexts {
        heading: "Passkeys",
        lead: "Sign in with your fingerprint, face or device PIN: no password to type and no code to \
               wait for. A passkey works only on this site, so it cannot be phished.",
        none: "You have no passkeys.",
        caption: "Your passkeys",
        name: "Name",
        added: "Added",
        last_used: "Last used",
        remove: "Remove",
        never: "Never",
        rename: "Rename",
        new_name: "New name",
        save_name: "Save name",
        password_to_remove: |name| format!("Current password, to remove {name}"),
        remove_named: |name| format!("Remove {name}"),
        add: "Add a passkey",
        default_name: "Passkey",
        name_hint: "Such as the device it is on: \"Work laptop\", \"Phone\".",
        added_note: "Passkey added. You can now sign in with it.",
    },
    app: AppTexts {
        heading: "Authenticator app",
        off_lead: "Sign in with a code from an app on your phone (such as Google Authenticator, \
                   Microsoft Authenticator or 1Password) instead of waiting for an email.",
        set_up: "Set up",
        scan: "Scan this QR code with your authenticator app, or type the key below into it. \
               Then type the 6-digit code the app shows.",
        qr_label: "QR code for your authenticator app",
        key: "Key: ",
        security_code: "Security code",
        confirm: "Confirm",
        now_on: "Your authenticator app is on. Sign-in now asks for its code.",
        on: "Your authenticator app is on: sign-in asks for its code.",
        remove: "Remove",
    },
    recovery: RecoveryTexts {
        heading: "Recovery codes",
        lead: "For when your phone or email is out of reach: each code signs you in once, \
               in place of a security code.",
        none: "You have no recovery codes.",
        left: en_codes_left,
        few_left: |left| format!("{}. Create a new set.", en_codes_left(left)),
        new_set_hint: "A new set makes the old codes stop working.",
        create: "Create",
        new_heading: "Your new recovery codes",
        save_now: "Save or print them now: they are shown only this once.",
        download: "Download",
        print: "Print",
        file_title: "Twostep recovery codes",
        file_line: "Each code signs you in once, in place of a security code.",
    },
    reset: ResetTexts {
        done: "Two-step methods reset: the passkeys, authenticator app, recovery codes and trusted IP \
               addresses are gone, and their sessions have ended.",
        hint: "Removes this person's passkeys, authenticator app, recovery codes and trusted IP \
               addresses, and signs them out: their next sign-in asks for a code sent to them.",
        button: "Reset two-step methods",
    },
};

fn en_codes_left(left: i64) -> String {
    match left {
        1 => "1 recovery code left".to_string(),
        n => format!("{n} recovery codes left"),
    }
}

pub static NL: AccountTexts = AccountTexts {
    current_password: "Huidig wachtwoord",
    details: DetailsTexts {
        name: "Naam",
        username: "Gebruikersnaam",
        email: "E-mail",
        mobile: "Gsm",
    },
    contact: ContactTexts {
        heading: "E-mail en gsm",
        lead: "Codes worden hierheen gestuurd. Bij een wijziging worden uw vertrouwde IP-adressen \
               verwijderd.",
        email: "E-mail",
        mobile: "Gsm",
        save: "E-mail en gsm opslaan",
        saved: "Opgeslagen. Uw vertrouwde IP-adressen werden verwijderd en u werd per e-mail verwittigd.",
        nothing_changed: "Er werd niets gewijzigd.",
    },
    password: PasswordTexts {
        heading: "Wachtwoord wijzigen",
        new_password: "Nieuw wachtwoord",
        submit: "Wachtwoord wijzigen",
        changed: "Uw wachtwoord werd gewijzigd. Uw andere sessies werden beëindigd.",
    },
    trusted: TrustedTexts {
        my_heading: "Mijn vertrouwde IP-adressen",
        my_lead: "Vanaf deze adressen meldt u zich aan met alleen uw wachtwoord, tot de vermelding verloopt.",
        none: "Geen vertrouwde IP-adressen.",
        address: "IP-adres",
        person: "Persoon",
        added: "Toegevoegd",
        last_used: "Laatst gebruikt",
        expires: "Verloopt",
        never: "nooit",
        delete: "Verwijderen",
        delete_entry: |network| format!("{network} verwijderen"),
        not_deleted: |why| format!("Het adres werd niet verwijderd: {why}"),
        network_not_deleted: |network, why| format!("{network} werd niet verwijderd: {why}"),
        newest_first: "Nieuwste eerst",
        expires_soonest: "Verloopt het eerst",
    },
    passkeys: PasskeyTexts {
        heading: "Toegangssleutels",
        lead: "Meld u aan met uw vingerafdruk, uw gezicht of de pincode van uw toestel: geen wachtwoord \
               om te typen en geen code om op te wachten. Een toegangssleutel werkt alleen op deze site, \
               dus phishing is onmogelijk.",
        none: "U hebt geen toegangssleutels.",
        caption: "Uw toegangssleutels",
        name: "Naam",
        added: "Toegevoegd",
        last_used: "Laatst gebruikt",
        remove: "Verwijderen",
        never: "Nooit",
        rename: "Naam wijzigen",
        new_name: "Nieuwe naam",
        save_name: "Naam opslaan",
        password_to_remove: |name| format!("Huidig wachtwoord, om {name} te verwijderen"),
        remove_named: |name| format!("{name} verwijderen"),
        add: "Toegangssleutel toevoegen",
        default_name: "Toegangssleutel",
        name_hint: "Bijvoorbeeld het toestel waarop ze staat: \"Laptop werk\", \"Gsm\".",
        added_note: "Toegangssleutel toegevoegd. U kunt zich er nu mee aanmelden.",
    },
    app: AppTexts {
        heading: "Authenticator-app",
        off_lead: "Meld u aan met een code van een app op uw gsm (zoals Google Authenticator, \
                   Microsoft Authenticator of 1Password) in plaats van op een e-mail te wachten.",
        set_up: "Instellen",
        scan: "Scan deze QR-code met uw authenticator-app, of typ de sleutel hieronder erin. \
               Typ daarna de 6-cijferige code die de app toont.",
        qr_label: "QR-code voor uw authenticator-app",
        key: "Sleutel: ",
        security_code: "Beveiligingscode",
        confirm: "Bevestigen",
        now_on: "Uw authenticator-app staat aan. Bij het aanmelden wordt nu om de code ervan gevraagd.",
        on: "Uw authenticator-app staat aan: bij het aanmelden wordt om de code ervan gevraagd.",
        remove: "Verwijderen",
    },
    recovery: RecoveryTexts {
        heading: "Herstelcodes",
        lead: "Voor als uw gsm of e-mail buiten bereik is: elke code meldt u één keer aan, \
               in plaats van een beveiligingscode.",
        none: "U hebt geen herstelcodes.",
        left: nl_codes_left,
        few_left: |left| format!("{}. Maak een nieuwe reeks aan.", nl_codes_left(left)),
        new_set_hint: "Met een nieuwe reeks werken de oude codes niet meer.",
        create: "Aanmaken",
        new_heading: "Uw nieuwe herstelcodes",
        save_now: "Bewaar of druk ze nu af: ze worden maar één keer getoond.",
        download: "Downloaden",
        print: "Afdrukken",
        file_title: "Herstelcodes voor Twostep",
        file_line: "Elke code meldt u één keer aan, in plaats van een beveiligingscode.",
    },
    reset: ResetTexts {
        done: "Tweestapsmethoden gereset: de toegangssleutels, authenticator-app, herstelcodes en \
               vertrouwde IP-adressen zijn weg, en de sessies van deze persoon werden beëindigd.",
        hint: "Verwijdert de toegangssleutels, authenticator-app, herstelcodes en vertrouwde IP-adressen \
               van deze persoon en meldt deze persoon af: bij de volgende aanmelding wordt gevraagd naar \
               een code die naar deze persoon gestuurd wordt.",
        button: "Tweestapsmethoden resetten",
    },
};

fn nl_codes_left(left: i64) -> String {
    match left {
        1 => "Nog 1 herstelcode over".to_string(),
        n => format!("Nog {n} herstelcodes over"),
    }
}

pub static FR: AccountTexts = AccountTexts {
    current_password: "Mot de passe actuel",
    details: DetailsTexts {
        name: "Nom",
        username: "Nom d'utilisateur",
        email: "E-mail",
        mobile: "GSM",
    },
    contact: ContactTexts {
        heading: "E-mail et GSM",
        lead: "Les codes sont envoyés ici. Une modification supprime vos adresses IP approuvées.",
        email: "E-mail",
        mobile: "GSM",
        save: "Enregistrer e-mail et GSM",
        saved: "Enregistré. Vos adresses IP approuvées ont été supprimées et un avis vous a été \
                envoyé par e-mail.",
        nothing_changed: "Rien n'a été modifié.",
    },
    password: PasswordTexts {
        heading: "Modifier le mot de passe",
        new_password: "Nouveau mot de passe",
        submit: "Modifier le mot de passe",
        changed: "Votre mot de passe a été modifié. Vos autres sessions ont pris fin.",
    },
    trusted: TrustedTexts {
        my_heading: "Mes adresses IP approuvées",
        my_lead: "Depuis ces adresses, vous vous connectez avec votre seul mot de passe, jusqu'à \
                  l'expiration de l'entrée.",
        none: "Aucune adresse IP approuvée.",
        address: "Adresse IP",
        person: "Personne",
        added: "Ajoutée",
        last_used: "Dernière utilisation",
        expires: "Expire",
        never: "jamais",
        delete: "Supprimer",
        delete_entry: |network| format!("Supprimer {network}"),
        not_deleted: |why| format!("L'adresse n'a pas été supprimée\u{a0}: {why}"),
        network_not_deleted: |network, why| format!("L'adresse {network} n'a pas été supprimée\u{a0}: {why}"),
        newest_first: "Plus récentes d'abord",
        expires_soonest: "Expiration la plus proche",
    },
    passkeys: PasskeyTexts {
        heading: "Clés d'accès",
        lead: "Connectez-vous avec votre empreinte, votre visage ou le code PIN de votre appareil\u{a0}: \
               pas de mot de passe à taper ni de code à attendre. Une clé d'accès ne fonctionne que sur \
               ce site\u{a0}; elle est donc à l'abri du phishing.",
        none: "Vous n'avez aucune clé d'accès.",
        caption: "Vos clés d'accès",
        name: "Nom",
        added: "Ajoutée",
        last_used: "Dernière utilisation",
        remove: "Supprimer",
        never: "Jamais",
        rename: "Renommer",
        new_name: "Nouveau nom",
        save_name: "Enregistrer le nom",
        password_to_remove: |name| format!("Mot de passe actuel, pour supprimer {name}"),
        remove_named: |name| format!("Supprimer {name}"),
        add: "Ajouter une clé d'accès",
        default_name: "Clé d'accès",
        name_hint: "Par exemple l'appareil sur lequel elle se trouve\u{a0}: «\u{a0}PC portable du \
                    bureau\u{a0}», «\u{a0}GSM\u{a0}».",
        added_note: "Clé d'accès ajoutée. Vous pouvez désormais l'utiliser pour vous connecter.",
    },
    app: AppTexts {
        heading: "Application d'authentification",
        off_lead: "Connectez-vous avec un code d'une application sur votre GSM (comme Google Authenticator, \
                   Microsoft Authenticator ou 1Password) au lieu d'attendre un e-mail.",
        set_up: "Configurer",
        scan: "Scannez ce code QR avec votre application d'authentification, ou saisissez-y la clé \
               ci-dessous. Tapez ensuite le code à 6 chiffres affiché par l'application.",
        qr_label: "Code QR pour votre application d'authentification",
        key: "Clé\u{a0}: ",
        security_code: "Code de sécurité",
        confirm: "Confirmer",
        now_on: "Votre application d'authentification est activée. La connexion demande désormais \
                 son code.",
        on: "Votre application d'authentification est activée\u{a0}: la connexion demande son code.",
        remove: "Supprimer",
    },
    recovery: RecoveryTexts {
        heading: "Codes de récupération",
        lead: "Si votre GSM ou votre e-mail est hors de portée\u{a0}: chaque code vous connecte une seule \
               fois, à la place d'un code de sécurité.",
        none: "Vous n'avez aucun code de récupération.",
        left: fr_codes_left,
        few_left: |left| format!("{}. Créez une nouvelle série.", fr_codes_left(left)),
        new_set_hint: "Une nouvelle série rend les anciens codes inutilisables.",
        create: "Créer",
        new_heading: "Vos nouveaux codes de récupération",
        save_now: "Enregistrez-les ou imprimez-les maintenant\u{a0}: ils ne sont affichés qu'une \
                   seule fois.",
        download: "Télécharger",
        print: "Imprimer",
        file_title: "Codes de récupération Twostep",
        file_line: "Chaque code vous connecte une seule fois, à la place d'un code de sécurité.",
    },
    reset: ResetTexts {
        done: "Deuxième étape réinitialisée\u{a0}: les clés d'accès, l'application d'authentification, \
               les codes de récupération et les adresses IP approuvées ont été supprimés, et les \
               sessions de cette personne ont pris fin.",
        hint: "Supprime les clés d'accès, l'application d'authentification, les codes de récupération et \
               les adresses IP approuvées de cette personne, et la déconnecte\u{a0}: sa prochaine \
               connexion demandera un code qui lui sera envoyé.",
        button: "Réinitialiser la deuxième étape",
    },
};

/// French takes the singular for 0 and 1.
fn fr_codes_left(left: i64) -> String {
    match left {
        0 | 1 => format!("{left} code de récupération restant"),
        n => format!("{n} codes de récupération restants"),
    }
}

#[cfg(feature = "ssr")]
use zxcvbn::feedback::{Suggestion, Warning};

/// What only the server writes about these pages (the reasons a change was refused).
#[cfg(feature = "ssr")]
pub struct AccountServerTexts {
    /// Beside a current password that did not match.
    pub not_your_password: &'static str,
    /// A change of the second step in a session that skipped the code from an office.
    pub second_step_needed: &'static str,
    /// A change mailed to the person was made too often in the last hour.
    pub too_often: &'static str,
    /// Reset two-step methods, on one's own account.
    pub own_methods: &'static str,
    /// Confirm, with a code the app did not show.
    pub wrong_app_code: &'static str,
    /// Confirm, with no app being set up.
    pub no_app_set_up: &'static str,
    /// Add a passkey, with the most allowed already: (that most).
    pub too_many_passkeys: fn(i64) -> String,
    pub passkey_not_added: &'static str,
    pub passkey_gone: &'static str,
    /// A passkey's name left empty.
    pub passkey_name_needed: &'static str,
    pub new_password: NewPasswordTexts,
}

/// Why a new password is too easy to guess.
#[cfg(feature = "ssr")]
pub struct NewPasswordTexts {
    pub too_easy: &'static str,
    /// Said after `too_easy` when the estimator suggests nothing.
    pub add_words: &'static str,
    /// The estimator's warning and suggestion, in this language.
    pub warning: fn(Warning) -> String,
    pub suggestion: fn(Suggestion) -> String,
}

#[cfg(feature = "ssr")]
pub static EN_SERVER: AccountServerTexts = AccountServerTexts {
    not_your_password: "That is not your current password.",
    second_step_needed: "You signed in from an office network without a code, so this change is not \
                         possible here: sign in where a code is asked (outside the office network), \
                         then try again.",
    too_often: "This was done too often in the last hour, and each time is mailed to you: try again later.",
    own_methods: "Your own app, recovery codes and trusted IP addresses are managed in My account.",
    wrong_app_code: "That code is not valid. Type the code your app shows now.",
    no_app_set_up: "There is no app being set up. Press Set up first.",
    too_many_passkeys: |most| {
        format!("You have {most} passkeys, the most allowed. Remove one to add another.")
    },
    passkey_not_added: "No passkey was added: the prompt was cancelled, timed out, or offered a passkey \
                        already added. Try again.",
    passkey_gone: "That passkey is no longer there.",
    passkey_name_needed: "Give the passkey a name, such as the device it is on.",
    new_password: NewPasswordTexts {
        too_easy: "This password is too easy to guess.",
        add_words: "Add another word or two; uncommon words are better.",
        warning: |warning| warning.to_string(),
        suggestion: |suggestion| suggestion.to_string(),
    },
};

#[cfg(feature = "ssr")]
pub static NL_SERVER: AccountServerTexts = AccountServerTexts {
    not_your_password: "Dat is niet uw huidige wachtwoord.",
    second_step_needed: "U hebt zich zonder code aangemeld vanaf een kantoornetwerk, dus deze wijziging \
                         is hier niet mogelijk: meld u aan waar om een code gevraagd wordt (buiten het \
                         kantoornetwerk) en probeer dan opnieuw.",
    too_often: "Dit werd het afgelopen uur te vaak gedaan, en telkens werd u per e-mail verwittigd: \
                probeer het later opnieuw.",
    own_methods: "Uw eigen app, herstelcodes en vertrouwde IP-adressen beheert u in Mijn account.",
    wrong_app_code: "Die code is niet geldig. Typ de code die uw app nu toont.",
    no_app_set_up: "Er wordt geen app ingesteld. Klik eerst op Instellen.",
    too_many_passkeys: |most| {
        format!(
            "U hebt {most} toegangssleutels, het toegelaten maximum. Verwijder er een om een \
             andere toe te voegen."
        )
    },
    passkey_not_added: "Er werd geen toegangssleutel toegevoegd: de vraag werd geannuleerd, duurde te lang \
                        of bood een toegangssleutel aan die al toegevoegd was. Probeer opnieuw.",
    passkey_gone: "Die toegangssleutel bestaat niet meer.",
    passkey_name_needed: "Geef de toegangssleutel een naam, zoals het toestel waarop ze staat.",
    new_password: NewPasswordTexts {
        too_easy: "Dit wachtwoord is te gemakkelijk te raden.",
        add_words: "Voeg nog een woord of twee toe; ongewone woorden zijn beter.",
        warning: |warning| nl_warning(warning).to_string(),
        suggestion: |suggestion| nl_suggestion(suggestion).to_string(),
    },
};

#[cfg(feature = "ssr")]
fn nl_warning(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => "Rechte rijen toetsen zijn gemakkelijk te raden.",
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            "Korte toetsenbordpatronen zijn gemakkelijk te raden."
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => "Herhalingen zoals \"aaa\" zijn gemakkelijk te raden.",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "Herhalingen zoals \"abcabcabc\" zijn maar een beetje moeilijker te raden dan \"abc\"."
        }
        Warning::ThisIsATop10Password => "Dit is een van de 10 meest gebruikte wachtwoorden.",
        Warning::ThisIsATop100Password => "Dit is een van de 100 meest gebruikte wachtwoorden.",
        Warning::ThisIsACommonPassword => "Dit is een zeer vaak gebruikt wachtwoord.",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "Dit lijkt op een vaak gebruikt wachtwoord.",
        Warning::SequencesLikeAbcAreEasyToGuess => "Reeksen zoals abc of 6543 zijn gemakkelijk te raden.",
        Warning::RecentYearsAreEasyToGuess => "Recente jaartallen zijn gemakkelijk te raden.",
        Warning::AWordByItselfIsEasyToGuess => "Een woord op zich is gemakkelijk te raden.",
        Warning::DatesAreOftenEasyToGuess => "Datums zijn vaak gemakkelijk te raden.",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            "Voornamen en achternamen op zich zijn gemakkelijk te raden."
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            "Veelvoorkomende voor- en achternamen zijn gemakkelijk te raden."
        }
    }
}

#[cfg(feature = "ssr")]
fn nl_suggestion(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => {
            "Gebruik enkele woorden, vermijd bekende uitdrukkingen."
        }
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "Symbolen, cijfers of hoofdletters zijn niet nodig."
        }
        Suggestion::AddAnotherWordOrTwo => "Voeg nog een woord of twee toe. Ongewone woorden zijn beter.",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "Hoofdletters helpen niet veel.",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "Alles in hoofdletters is bijna even gemakkelijk te raden als alles in kleine letters."
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => {
            "Omgekeerde woorden zijn niet veel moeilijker te raden."
        }
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "Voorspelbare vervangingen, zoals '@' in plaats van 'a', helpen niet veel."
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "Gebruik een langer toetsenbordpatroon, dat vaker van richting verandert."
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => "Vermijd herhaalde woorden en tekens.",
        Suggestion::AvoidSequences => "Vermijd reeksen.",
        Suggestion::AvoidRecentYears => "Vermijd recente jaartallen.",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "Vermijd jaartallen die met u te maken hebben.",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "Vermijd datums en jaartallen die met u te maken hebben."
        }
    }
}

#[cfg(feature = "ssr")]
pub static FR_SERVER: AccountServerTexts = AccountServerTexts {
    not_your_password: "Ce n'est pas votre mot de passe actuel.",
    second_step_needed: "Votre connexion depuis un réseau de bureau s'est faite sans code\u{a0}; cette \
                         modification n'est donc pas possible ici\u{a0}: connectez-vous là où un code \
                         est demandé (hors du réseau de bureau), puis réessayez.",
    too_often: "Cette action a été effectuée trop souvent au cours de la dernière heure, et chaque fois \
                un e-mail vous a été envoyé\u{a0}: réessayez plus tard.",
    own_methods: "Votre propre application, vos codes de récupération et vos adresses IP approuvées se \
                  gèrent dans Mon compte.",
    wrong_app_code: "Ce code n'est pas valable. Tapez le code que votre application affiche maintenant.",
    no_app_set_up: "Aucune application n'est en cours de configuration. Cliquez d'abord sur Configurer.",
    too_many_passkeys: |most| {
        format!(
            "Vous avez {most} clés d'accès, le maximum autorisé. Supprimez-en une pour en \
             ajouter une autre."
        )
    },
    passkey_not_added: "Aucune clé d'accès n'a été ajoutée\u{a0}: la demande a été annulée, a expiré ou a \
                        proposé une clé d'accès déjà ajoutée. Réessayez.",
    passkey_gone: "Cette clé d'accès n'existe plus.",
    passkey_name_needed: "Donnez un nom à la clé d'accès, par exemple l'appareil sur lequel elle \
                          se trouve.",
    new_password: NewPasswordTexts {
        too_easy: "Ce mot de passe est trop facile à deviner.",
        add_words: "Ajoutez un ou deux mots\u{a0}; les mots peu courants sont meilleurs.",
        warning: |warning| fr_warning(warning).to_string(),
        suggestion: |suggestion| fr_suggestion(suggestion).to_string(),
    },
};

#[cfg(feature = "ssr")]
fn fr_warning(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => "Les rangées de touches sont faciles à deviner.",
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            "Les motifs de clavier courts sont faciles à deviner."
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => {
            "Les répétitions comme «\u{a0}aaa\u{a0}» sont faciles à deviner."
        }
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "Les répétitions comme «\u{a0}abcabcabc\u{a0}» ne sont guère plus difficiles à deviner \
             que «\u{a0}abc\u{a0}»."
        }
        Warning::ThisIsATop10Password => "C'est l'un des 10 mots de passe les plus courants.",
        Warning::ThisIsATop100Password => "C'est l'un des 100 mots de passe les plus courants.",
        Warning::ThisIsACommonPassword => "C'est un mot de passe très courant.",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "Il ressemble à un mot de passe courant.",
        Warning::SequencesLikeAbcAreEasyToGuess => "Les suites comme abc ou 6543 sont faciles à deviner.",
        Warning::RecentYearsAreEasyToGuess => "Les années récentes sont faciles à deviner.",
        Warning::AWordByItselfIsEasyToGuess => "Un mot seul est facile à deviner.",
        Warning::DatesAreOftenEasyToGuess => "Les dates sont souvent faciles à deviner.",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            "Les prénoms et noms seuls sont faciles à deviner."
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            "Les prénoms et noms courants sont faciles à deviner."
        }
    }
}

#[cfg(feature = "ssr")]
fn fr_suggestion(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => {
            "Utilisez quelques mots, évitez les expressions courantes."
        }
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "Les symboles, chiffres et majuscules ne sont pas nécessaires."
        }
        Suggestion::AddAnotherWordOrTwo => "Ajoutez un ou deux mots. Les mots peu courants sont meilleurs.",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "Les majuscules n'aident pas beaucoup.",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "Tout en majuscules est presque aussi facile à deviner que tout en minuscules."
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => {
            "Les mots à l'envers ne sont guère plus difficiles à deviner."
        }
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "Les substitutions prévisibles, comme «\u{a0}@\u{a0}» au lieu de «\u{a0}a\u{a0}», \
             n'aident pas beaucoup."
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "Utilisez un motif de clavier plus long, qui change plus souvent de direction."
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => "Évitez les mots et caractères répétés.",
        Suggestion::AvoidSequences => "Évitez les suites.",
        Suggestion::AvoidRecentYears => "Évitez les années récentes.",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "Évitez les années qui vous concernent.",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "Évitez les dates et années qui vous concernent."
        }
    }
}

/// These pages' server texts in the language of the request being answered.
#[cfg(feature = "ssr")]
pub fn server() -> &'static AccountServerTexts {
    super::request_lang().pick(&EN_SERVER, &NL_SERVER, &FR_SERVER)
}
