//! The QR code of an authenticator app's set-up, drawn by the server as SVG: the secret
//! never goes to an outside service. The encoding is the `qrcode` crate's.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// `text` as an SVG QR code, ready to put inside a page (no XML declaration), or `None`
/// when it is too long for one.
pub fn svg(text: &str) -> Option<String> {
    // Medium error correction: a phone camera reads it off a screen at any angle.
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let drawn = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let start = drawn.find("<svg")?;
    Some(drawn[start..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_otpauth_address_becomes_an_inline_svg() {
        let address = "otpauth://totp/Twostep:jdoe?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Twostep";
        let drawn = svg(address).unwrap();
        assert!(drawn.starts_with("<svg"), "{}", &drawn[..40]);
        assert!(drawn.trim_end().ends_with("</svg>"));
        assert!(!drawn.contains("<script"), "nothing but shapes");
        // Another address draws another code.
        assert_ne!(drawn, svg(&address.replace("jdoe", "john")).unwrap());
    }
}
