//! What each notice says, in each language (issue 29). One exhaustive match per
//! language: a notice added without its Dutch or French words does not build.

use super::notices::Notice;
use crate::auth::misses::LOCK_AT;
use crate::i18n::Lang;

/// A notice's subject (after "Twostep: ") and its sentence.
pub struct Words {
    pub subject: &'static str,
    pub what: String,
}

/// The words of `notice` to the person now called `username`.
pub fn words(lang: Lang, notice: &Notice, username: &str) -> Words {
    match lang {
        Lang::En => english(notice, username),
        Lang::Nl => dutch(notice, username),
        Lang::Fr => french(notice, username),
    }
}

/// The words mailed to the old address when the email address changed to `moved_to`
/// (masked).
pub fn moved_away(lang: Lang, moved_to: Option<&str>) -> Words {
    let said = |subject, what: String| Words { subject, what };
    match lang {
        Lang::En => said(
            "your email address was changed",
            format!(
                "The email address of your Twostep sign-in was changed from this address to {}. \
                 Codes and notices no longer come here.",
                moved_to.unwrap_or("no address")
            ),
        ),
        Lang::Nl => said(
            "uw e-mailadres werd gewijzigd",
            format!(
                "Het e-mailadres van uw aanmelding bij Twostep werd gewijzigd van dit adres naar {}. \
                 Codes en meldingen komen hier niet meer toe.",
                moved_to.unwrap_or("geen adres")
            ),
        ),
        Lang::Fr => said(
            "votre adresse e-mail a été modifiée",
            format!(
                "L'adresse e-mail de votre connexion Twostep est passée de cette adresse à {}. \
                 Les codes et avis n'arrivent plus ici.",
                moved_to.unwrap_or("aucune adresse")
            ),
        ),
    }
}

/// Whether `count` takes the singular in `lang` (the one rule, `TimeTexts::singular`).
fn singular(lang: Lang, count: i64) -> bool {
    (lang.texts().time.singular)(count.max(0).unsigned_abs())
}

fn said(subject: &'static str, what: impl Into<String>) -> Words {
    Words {
        subject,
        what: what.into(),
    }
}

fn english(notice: &Notice, username: &str) -> Words {
    match notice {
        Notice::PasswordChanged => said(
            "your password was changed",
            "The password of your Twostep sign-in was changed.",
        ),
        Notice::PasswordReset { by } => said(
            "your password was reset",
            format!("{by} set a new password for your Twostep sign-in. You were signed out everywhere."),
        ),
        Notice::EmailChanged { .. } => said(
            "your email address was changed",
            "This is now the email address of your Twostep sign-in: codes and notices come here.",
        ),
        Notice::MobileChanged => said(
            "your mobile number was changed",
            "The mobile number of your Twostep sign-in was changed.",
        ),
        Notice::UsernameChanged => said(
            "your username was changed",
            format!("Your Twostep username is now {username}."),
        ),
        Notice::MethodsReset { by } => said(
            "your two-step methods were reset",
            format!(
                "{by} reset your two-step methods: your passkeys, authenticator app, recovery codes and \
                 trusted networks were removed, and you were signed out everywhere. Your next sign-in asks for a \
                 code sent to you."
            ),
        ),
        Notice::AppAdded => said(
            "an authenticator app was set up",
            "An authenticator app was set up for your Twostep sign-in.",
        ),
        Notice::AppRemoved => said(
            "your authenticator app was removed",
            "The authenticator app was removed from your Twostep sign-in.",
        ),
        Notice::PasskeyAdded { name } => said(
            "a passkey was added",
            format!(
                "A passkey named \"{name}\" was added to your Twostep sign-in. It signs you in without a password."
            ),
        ),
        Notice::PasskeyRemoved { name } => said(
            "a passkey was removed",
            format!("The passkey named \"{name}\" was removed from your Twostep sign-in."),
        ),
        Notice::RecoveryCodesCreated => said(
            "new recovery codes were created",
            "A new set of recovery codes was created for your Twostep sign-in; any earlier codes no longer work.",
        ),
        Notice::CodesGuessed { in_a_row } => said(
            "someone is trying security codes",
            format!(
                "{in_a_row} wrong security codes in a row were entered for your Twostep sign-in, each after \
                 your right password. Someone who knows your password may be trying to sign in as you: \
                 change it in My account now, or ask an administrator to set a new one."
            ),
        ),
        Notice::SecondStepLocked => said(
            "signing in is locked",
            format!(
                "Signing in to Twostep as you is locked after {LOCK_AT} wrong security codes in a row. Someone \
                 knows your password: ask an administrator to set a new one, which unlocks it."
            ),
        ),
        Notice::RecoveryCodeUsed { left } => {
            let codes = if singular(Lang::En, *left) {
                "code is"
            } else {
                "codes are"
            };
            said(
                "a recovery code was used",
                format!(
                    "A recovery code was used to sign in to Twostep as you. {left} recovery {codes} left; \
                     create a new set in My account."
                ),
            )
        }
    }
}

fn dutch(notice: &Notice, username: &str) -> Words {
    match notice {
        Notice::PasswordChanged => said(
            "uw wachtwoord werd gewijzigd",
            "Het wachtwoord van uw aanmelding bij Twostep werd gewijzigd.",
        ),
        Notice::PasswordReset { by } => said(
            "uw wachtwoord werd opnieuw ingesteld",
            format!(
                "{by} heeft een nieuw wachtwoord ingesteld voor uw aanmelding bij Twostep. U werd overal afgemeld."
            ),
        ),
        Notice::EmailChanged { .. } => said(
            "uw e-mailadres werd gewijzigd",
            "Dit is nu het e-mailadres van uw aanmelding bij Twostep: codes en meldingen komen hier toe.",
        ),
        Notice::MobileChanged => said(
            "uw gsm-nummer werd gewijzigd",
            "Het gsm-nummer van uw aanmelding bij Twostep werd gewijzigd.",
        ),
        Notice::UsernameChanged => said(
            "uw gebruikersnaam werd gewijzigd",
            format!("Uw gebruikersnaam bij Twostep is nu {username}."),
        ),
        Notice::MethodsReset { by } => said(
            "uw tweestapsmethoden werden gewist",
            format!(
                "{by} heeft uw tweestapsmethoden gewist: uw toegangssleutels, authenticator-app, herstelcodes en \
                 vertrouwde netwerken werden verwijderd, en u werd overal afgemeld. Bij uw volgende aanmelding \
                 wordt een code gevraagd die naar u gestuurd wordt."
            ),
        ),
        Notice::AppAdded => said(
            "er werd een authenticator-app ingesteld",
            "Er werd een authenticator-app ingesteld voor uw aanmelding bij Twostep.",
        ),
        Notice::AppRemoved => said(
            "uw authenticator-app werd verwijderd",
            "De authenticator-app werd verwijderd van uw aanmelding bij Twostep.",
        ),
        Notice::PasskeyAdded { name } => said(
            "er werd een toegangssleutel toegevoegd",
            format!(
                "Er werd een toegangssleutel met de naam \"{name}\" toegevoegd aan uw aanmelding bij Twostep. \
                 Daarmee meldt u zich aan zonder wachtwoord."
            ),
        ),
        Notice::PasskeyRemoved { name } => said(
            "er werd een toegangssleutel verwijderd",
            format!(
                "De toegangssleutel met de naam \"{name}\" werd verwijderd van uw aanmelding bij Twostep."
            ),
        ),
        Notice::RecoveryCodesCreated => said(
            "er werden nieuwe herstelcodes aangemaakt",
            "Er werd een nieuwe reeks herstelcodes aangemaakt voor uw aanmelding bij Twostep; eerdere codes \
             werken niet meer.",
        ),
        Notice::CodesGuessed { in_a_row } => said(
            "iemand probeert beveiligingscodes",
            format!(
                "Er werden {in_a_row} foute beveiligingscodes na elkaar ingegeven voor uw aanmelding bij \
                 Twostep, telkens na uw juiste wachtwoord. Iemand die uw wachtwoord kent, probeert zich \
                 misschien als u aan te melden: wijzig het nu in Mijn account, of vraag een beheerder om een \
                 nieuw in te stellen."
            ),
        ),
        Notice::SecondStepLocked => said(
            "aanmelden is geblokkeerd",
            format!(
                "Aanmelden bij Twostep als u is geblokkeerd na {LOCK_AT} foute beveiligingscodes na elkaar. \
                 Iemand kent uw wachtwoord: vraag een beheerder om een nieuw in te stellen, dat heft de \
                 blokkering op."
            ),
        ),
        Notice::RecoveryCodeUsed { left } => {
            let codes = if singular(Lang::Nl, *left) {
                "herstelcode"
            } else {
                "herstelcodes"
            };
            said(
                "er werd een herstelcode gebruikt",
                format!(
                    "Er werd een herstelcode gebruikt om u aan te melden bij Twostep. U hebt nog {left} \
                     {codes}; maak een nieuwe reeks aan in Mijn account."
                ),
            )
        }
    }
}

fn french(notice: &Notice, username: &str) -> Words {
    match notice {
        Notice::PasswordChanged => said(
            "votre mot de passe a été modifié",
            "Le mot de passe de votre connexion Twostep a été modifié.",
        ),
        Notice::PasswordReset { by } => said(
            "votre mot de passe a été réinitialisé",
            format!(
                "{by} a défini un nouveau mot de passe pour votre connexion Twostep. Vous avez été déconnecté \
                 partout."
            ),
        ),
        Notice::EmailChanged { .. } => said(
            "votre adresse e-mail a été modifiée",
            "C'est désormais l'adresse e-mail de votre connexion Twostep\u{a0}: les codes et avis arrivent ici.",
        ),
        Notice::MobileChanged => said(
            "votre numéro de GSM a été modifié",
            "Le numéro de GSM de votre connexion Twostep a été modifié.",
        ),
        Notice::UsernameChanged => said(
            "votre nom d'utilisateur a été modifié",
            format!("Votre nom d'utilisateur Twostep est désormais {username}."),
        ),
        Notice::MethodsReset { by } => said(
            "vos méthodes en deux étapes ont été réinitialisées",
            format!(
                "{by} a réinitialisé vos méthodes en deux étapes\u{a0}: vos clés d'accès, application \
                 d'authentification, codes de récupération et réseaux approuvés ont été supprimés, et vous avez \
                 été déconnecté partout. Votre prochaine connexion demandera un code qui vous sera envoyé."
            ),
        ),
        Notice::AppAdded => said(
            "une application d'authentification a été configurée",
            "Une application d'authentification a été configurée pour votre connexion Twostep.",
        ),
        Notice::AppRemoved => said(
            "votre application d'authentification a été supprimée",
            "L'application d'authentification a été supprimée de votre connexion Twostep.",
        ),
        Notice::PasskeyAdded { name } => said(
            "une clé d'accès a été ajoutée",
            format!(
                "Une clé d'accès nommée «\u{a0}{name}\u{a0}» a été ajoutée à votre connexion Twostep. Elle vous \
                 connecte sans mot de passe."
            ),
        ),
        Notice::PasskeyRemoved { name } => said(
            "une clé d'accès a été supprimée",
            format!("La clé d'accès nommée «\u{a0}{name}\u{a0}» a été supprimée de votre connexion Twostep."),
        ),
        Notice::RecoveryCodesCreated => said(
            "de nouveaux codes de récupération ont été créés",
            "Une nouvelle série de codes de récupération a été créée pour votre connexion Twostep\u{a0}; les \
             codes précédents ne sont plus valables.",
        ),
        Notice::CodesGuessed { in_a_row } => said(
            "quelqu'un essaie des codes de sécurité",
            format!(
                "{in_a_row} codes de sécurité erronés d'affilée ont été introduits pour votre connexion Twostep, \
                 chaque fois après votre mot de passe correct. Quelqu'un qui connaît votre mot de passe essaie \
                 peut-être de se connecter à votre place\u{a0}: changez-le maintenant dans Mon compte, ou \
                 demandez à un administrateur d'en définir un nouveau."
            ),
        ),
        Notice::SecondStepLocked => said(
            "la connexion est bloquée",
            format!(
                "La connexion à Twostep à votre nom est bloquée après {LOCK_AT} codes de sécurité erronés \
                 d'affilée. Quelqu'un connaît votre mot de passe\u{a0}: demandez à un administrateur d'en \
                 définir un nouveau, ce qui la débloque."
            ),
        ),
        Notice::RecoveryCodeUsed { left } => {
            let codes = if singular(Lang::Fr, *left) {
                "code de récupération reste"
            } else {
                "codes de récupération restent"
            };
            said(
                "un code de récupération a été utilisé",
                format!(
                    "Un code de récupération a été utilisé pour vous connecter à Twostep. {left} {codes}\u{a0}; \
                     créez une nouvelle série dans Mon compte."
                ),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_the_person_and_the_numbers() {
        for lang in Lang::ALL {
            let renamed = words(lang, &Notice::UsernameChanged, "mbv");
            assert!(renamed.what.contains("mbv"), "{lang:?}");
            let used = words(lang, &Notice::RecoveryCodeUsed { left: 7 }, "mbv");
            assert!(used.what.contains('7'), "{lang:?}");
            let added = words(
                lang,
                &Notice::PasskeyAdded {
                    name: "Laptop".into(),
                },
                "mbv",
            );
            assert!(added.what.contains("Laptop"), "{lang:?}");
        }
        assert_ne!(
            words(Lang::Nl, &Notice::PasswordChanged, "x").subject,
            words(Lang::En, &Notice::PasswordChanged, "x").subject
        );
    }
}
