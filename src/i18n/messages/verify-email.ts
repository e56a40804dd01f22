// Texts of the verify email pages: the code step of a sign-in and the emailed link.
import { defineMessages } from "../define";

export const verifyEmail = defineMessages({
  en: {
    "verifyEmail.noAddress": "Your account has no email address to verify. Contact support for help.",
    "verifyEmail.title": "Verify your email address",
    "verifyEmail.sent": "We sent a 6-digit code to {email}. Enter it to continue.",
    "verifyEmail.resent": "We sent a new code to {email}.",
    "verifyEmail.code": "Code",
    "verifyEmail.codeHint": "The 6 digits from the email. The code expires in {minutes} minutes.",
    "verifyEmail.submit": "Verify",
    "verifyEmail.resend": "Send a new code",
    "verifyEmail.codeMissing": "Enter the 6-digit code from the email.",
    "verifyEmail.codeWrong": "This code is not right. Attempts left: {attempts}.",
    "verifyEmail.codeExpired": "This code has expired or was entered wrongly too many times. Send a new code.",
    "verifyEmail.throttled": "Too many codes were sent. Wait {seconds} seconds, then ask for a new one.",
    "verifyEmail.linkTitle": "Confirm your email address",
    "verifyEmail.linkBody": "Confirm that {email} is your email address.",
    "verifyEmail.linkSubmit": "Confirm my email address",
    "verifyEmail.linkDoneTitle": "Email address verified",
    "verifyEmail.linkDoneBody":
      "Thank you: your email address is verified. You can close this page and continue where you were signing in.",
    "verifyEmail.linkExpired":
      "This link has expired or was already used. Ask for a new code on the page where you were signing in.",
    "verifyEmail.linkWrong": "This link is not valid. Use the link in the most recent email.",
  },
  de: {
    "verifyEmail.noAddress":
      "Ihr Konto hat keine E-Mail-Adresse, die bestätigt werden könnte. Wenden Sie sich an den Support.",
    "verifyEmail.title": "Bestätigen Sie Ihre E-Mail-Adresse",
    "verifyEmail.sent": "Wir haben einen 6-stelligen Code an {email} gesendet. Geben Sie ihn ein, um fortzufahren.",
    "verifyEmail.resent": "Wir haben einen neuen Code an {email} gesendet.",
    "verifyEmail.code": "Code",
    "verifyEmail.codeHint": "Die 6 Ziffern aus der E-Mail. Der Code läuft in {minutes} Minuten ab.",
    "verifyEmail.submit": "Bestätigen",
    "verifyEmail.resend": "Neuen Code senden",
    "verifyEmail.codeMissing": "Geben Sie den 6-stelligen Code aus der E-Mail ein.",
    "verifyEmail.codeWrong": "Dieser Code ist nicht richtig. Verbleibende Versuche: {attempts}.",
    "verifyEmail.codeExpired":
      "Dieser Code ist abgelaufen oder wurde zu oft falsch eingegeben. Fordern Sie einen neuen Code an.",
    "verifyEmail.throttled":
      "Es wurden zu viele Codes gesendet. Warten Sie {seconds} Sekunden und fordern Sie dann einen neuen an.",
    "verifyEmail.linkTitle": "Bestätigen Sie Ihre E-Mail-Adresse",
    "verifyEmail.linkBody": "Bestätigen Sie, dass {email} Ihre E-Mail-Adresse ist.",
    "verifyEmail.linkSubmit": "E-Mail-Adresse bestätigen",
    "verifyEmail.linkDoneTitle": "E-Mail-Adresse bestätigt",
    "verifyEmail.linkDoneBody":
      "Vielen Dank: Ihre E-Mail-Adresse ist bestätigt. Sie können diese Seite schließen und dort weitermachen, wo Sie sich angemeldet haben.",
    "verifyEmail.linkExpired":
      "Dieser Link ist abgelaufen oder wurde bereits verwendet. Fordern Sie auf der Anmeldeseite einen neuen Code an.",
    "verifyEmail.linkWrong": "Dieser Link ist ungültig. Verwenden Sie den Link aus der neuesten E-Mail.",
  },
  fr: {
    "verifyEmail.noAddress": "Votre compte n’a pas d’adresse e-mail à vérifier. Contactez l’assistance.",
    "verifyEmail.title": "Vérifiez votre adresse e-mail",
    "verifyEmail.sent": "Nous avons envoyé un code à 6 chiffres à {email}. Saisissez-le pour continuer.",
    "verifyEmail.resent": "Nous avons envoyé un nouveau code à {email}.",
    "verifyEmail.code": "Code",
    "verifyEmail.codeHint": "Les 6 chiffres de l’e-mail. Le code expire dans {minutes} minutes.",
    "verifyEmail.submit": "Vérifier",
    "verifyEmail.resend": "Envoyer un nouveau code",
    "verifyEmail.codeMissing": "Saisissez le code à 6 chiffres reçu par e-mail.",
    "verifyEmail.codeWrong": "Ce code n’est pas le bon. Tentatives restantes : {attempts}.",
    "verifyEmail.codeExpired": "Ce code a expiré ou a été mal saisi trop de fois. Demandez un nouveau code.",
    "verifyEmail.throttled":
      "Trop de codes ont été envoyés. Patientez {seconds} secondes, puis demandez-en un nouveau.",
    "verifyEmail.linkTitle": "Confirmez votre adresse e-mail",
    "verifyEmail.linkBody": "Confirmez que {email} est bien votre adresse e-mail.",
    "verifyEmail.linkSubmit": "Confirmer mon adresse e-mail",
    "verifyEmail.linkDoneTitle": "Adresse e-mail vérifiée",
    "verifyEmail.linkDoneBody":
      "Merci : votre adresse e-mail est vérifiée. Vous pouvez fermer cette page et reprendre là où vous vous connectiez.",
    "verifyEmail.linkExpired":
      "Ce lien a expiré ou a déjà été utilisé. Demandez un nouveau code sur la page où vous vous connectiez.",
    "verifyEmail.linkWrong": "Ce lien n’est pas valide. Utilisez le lien du dernier e-mail reçu.",
  },
  es: {
    "verifyEmail.noAddress":
      "Tu cuenta no tiene ningún correo electrónico que verificar. Ponte en contacto con el soporte.",
    "verifyEmail.title": "Verifica tu correo electrónico",
    "verifyEmail.sent": "Hemos enviado un código de 6 dígitos a {email}. Introdúcelo para continuar.",
    "verifyEmail.resent": "Hemos enviado un código nuevo a {email}.",
    "verifyEmail.code": "Código",
    "verifyEmail.codeHint": "Los 6 dígitos del correo. El código caduca en {minutes} minutos.",
    "verifyEmail.submit": "Verificar",
    "verifyEmail.resend": "Enviar un código nuevo",
    "verifyEmail.codeMissing": "Introduce el código de 6 dígitos del correo.",
    "verifyEmail.codeWrong": "Este código no es correcto. Intentos restantes: {attempts}.",
    "verifyEmail.codeExpired":
      "Este código ha caducado o se ha introducido mal demasiadas veces. Pide un código nuevo.",
    "verifyEmail.throttled": "Se han enviado demasiados códigos. Espera {seconds} segundos y pide uno nuevo.",
    "verifyEmail.linkTitle": "Confirma tu correo electrónico",
    "verifyEmail.linkBody": "Confirma que {email} es tu correo electrónico.",
    "verifyEmail.linkSubmit": "Confirmar mi correo electrónico",
    "verifyEmail.linkDoneTitle": "Correo electrónico verificado",
    "verifyEmail.linkDoneBody":
      "Gracias: tu correo electrónico está verificado. Puedes cerrar esta página y continuar donde estabas iniciando sesión.",
    "verifyEmail.linkExpired":
      "Este enlace ha caducado o ya se ha usado. Pide un código nuevo en la página donde estabas iniciando sesión.",
    "verifyEmail.linkWrong": "Este enlace no es válido. Usa el enlace del correo más reciente.",
  },
});
