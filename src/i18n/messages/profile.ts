// Texts of the profile pages.
import { defineMessages } from "../define";

export const profile = defineMessages({
  en: {
    "profile.title": "Complete your profile",
    "profile.intro": "{client} would like to know a little more about you.",
    "profile.fixErrors": "Please correct the fields marked below.",
    "profile.save": "Save and continue",
    "profile.skip": "Skip for now",
    "profile.cannotSkip": "Some of these fields are required: fill them in to continue.",
  },
  de: {
    "profile.title": "Vervollständigen Sie Ihr Profil",
    "profile.intro": "{client} möchte etwas mehr über Sie erfahren.",
    "profile.fixErrors": "Bitte korrigieren Sie die unten markierten Felder.",
    "profile.save": "Speichern und weiter",
    "profile.skip": "Jetzt überspringen",
    "profile.cannotSkip": "Einige dieser Felder sind Pflichtfelder: Füllen Sie sie aus, um fortzufahren.",
  },
  fr: {
    "profile.title": "Complétez votre profil",
    "profile.intro": "{client} aimerait en savoir un peu plus sur vous.",
    "profile.fixErrors": "Veuillez corriger les champs signalés ci-dessous.",
    "profile.save": "Enregistrer et continuer",
    "profile.skip": "Passer pour le moment",
    "profile.cannotSkip": "Certains de ces champs sont obligatoires : remplissez-les pour continuer.",
  },
  es: {
    "profile.title": "Completa tu perfil",
    "profile.intro": "{client} quiere saber un poco más sobre ti.",
    "profile.fixErrors": "Corrige los campos marcados a continuación.",
    "profile.save": "Guardar y continuar",
    "profile.skip": "Omitir por ahora",
    "profile.cannotSkip": "Algunos de estos campos son obligatorios: rellénalos para continuar.",
  },
});
