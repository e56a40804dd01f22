// RP-initiated logout: the confirmation and the signed-out page.
import { defineMessages } from "../define";

export const logout = defineMessages({
  en: {
    "logout.confirmTitle": "Sign out?",
    "logout.confirmBody": "You will be signed out of {tenant} on this device.",
    "logout.submit": "Sign out",
    "logout.doneTitle": "You are signed out",
    "logout.doneBody": "You have been signed out of {tenant}. You can close this window.",
    "logout.failedTitle": "Sign-out failed",
    "logout.malformed": "The sign-out request is malformed.",
    "logout.expired": "This sign-out page has expired. Try again.",
    "logout.notForClient": "The ID token was not issued to this application.",
    "logout.unverified": "You were not returned to the application: its sign-out request could not be verified.",
    "logout.unregistered": "You were not returned to the application: the address it gave is not registered.",
  },
  de: {
    "logout.confirmTitle": "Abmelden?",
    "logout.confirmBody": "Sie werden auf diesem Gerät von {tenant} abgemeldet.",
    "logout.submit": "Abmelden",
    "logout.doneTitle": "Sie sind abgemeldet",
    "logout.doneBody": "Sie wurden von {tenant} abgemeldet. Sie können dieses Fenster schließen.",
    "logout.failedTitle": "Abmeldung fehlgeschlagen",
    "logout.malformed": "Die Abmeldeanfrage ist fehlerhaft.",
    "logout.expired": "Diese Abmeldeseite ist abgelaufen. Versuchen Sie es noch einmal.",
    "logout.notForClient": "Das ID-Token wurde nicht für diese Anwendung ausgestellt.",
    "logout.unverified":
      "Sie wurden nicht zur Anwendung zurückgeleitet: Ihre Abmeldeanfrage konnte nicht überprüft werden.",
    "logout.unregistered":
      "Sie wurden nicht zur Anwendung zurückgeleitet: Die angegebene Adresse ist nicht registriert.",
  },
  fr: {
    "logout.confirmTitle": "Se déconnecter ?",
    "logout.confirmBody": "Vous serez déconnecté de {tenant} sur cet appareil.",
    "logout.submit": "Se déconnecter",
    "logout.doneTitle": "Vous êtes déconnecté",
    "logout.doneBody": "Vous avez été déconnecté de {tenant}. Vous pouvez fermer cette fenêtre.",
    "logout.failedTitle": "Échec de la déconnexion",
    "logout.malformed": "La demande de déconnexion est mal formée.",
    "logout.expired": "Cette page de déconnexion a expiré. Réessayez.",
    "logout.notForClient": "Le jeton d’identité n’a pas été émis pour cette application.",
    "logout.unverified":
      "Vous n’avez pas été renvoyé vers l’application : sa demande de déconnexion n’a pas pu être vérifiée.",
    "logout.unregistered": "Vous n’avez pas été renvoyé vers l’application : l’adresse indiquée n’est pas enregistrée.",
  },
  es: {
    "logout.confirmTitle": "¿Cerrar sesión?",
    "logout.confirmBody": "Se cerrará tu sesión de {tenant} en este dispositivo.",
    "logout.submit": "Cerrar sesión",
    "logout.doneTitle": "Has cerrado sesión",
    "logout.doneBody": "Has cerrado sesión en {tenant}. Puedes cerrar esta ventana.",
    "logout.failedTitle": "No se pudo cerrar la sesión",
    "logout.malformed": "La solicitud de cierre de sesión no es válida.",
    "logout.expired": "Esta página de cierre de sesión ha caducado. Inténtalo de nuevo.",
    "logout.notForClient": "El token de ID no se emitió para esta aplicación.",
    "logout.unverified": "No se te devolvió a la aplicación: no se pudo verificar su solicitud de cierre de sesión.",
    "logout.unregistered": "No se te devolvió a la aplicación: la dirección que indicó no está registrada.",
  },
});
