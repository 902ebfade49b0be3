// Parses vCard files with ez-vcard (the library DAVx5 uses on Android) and prints every
// parse and validation warning; exits 1 when there is any, 2 when a file holds no vCard.
//   java -cp ez-vcard.jar:vinnie.jar:. VCardCheck FILE...
import ezvcard.Ezvcard;
import ezvcard.VCard;
import ezvcard.ValidationWarnings;
import ezvcard.io.ParseWarning;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

public class VCardCheck {
    public static void main(String[] args) throws Exception {
        int problems = 0;
        for (String name : args) {
            List<List<ParseWarning>> parseWarnings = new ArrayList<>();
            List<VCard> cards = Ezvcard.parse(new File(name)).warnings(parseWarnings).all();
            if (cards.isEmpty()) {
                System.out.println(name + ": no vCard");
                System.exit(2);
            }
            for (List<ParseWarning> warnings : parseWarnings) {
                for (ParseWarning warning : warnings) {
                    System.out.println(name + ": parse: " + warning);
                    problems++;
                }
            }
            for (VCard card : cards) {
                ValidationWarnings warnings = card.validate(card.getVersion());
                if (!warnings.isEmpty()) {
                    System.out.println(name + ": validate: " + warnings.toString().replace("\n", " | "));
                    problems++;
                }
                String fn = card.getFormattedName() == null ? "" : card.getFormattedName().getValue();
                System.out.println(name + ": ok " + card.getVersion() + " FN=" + fn
                        + " TEL=" + card.getTelephoneNumbers().size() + " EMAIL=" + card.getEmails().size()
                        + " NOTE=" + card.getNotes().size() + " CATEGORIES=" + card.getCategoriesList().size()
                        + " PHOTO=" + card.getPhotos().size() + " EXTENDED=" + card.getExtendedProperties().size()
                        + " TELS=" + telephones(card) + " EMAIL-TYPES=" + emailTypes(card));
            }
        }
        System.exit(problems == 0 ? 0 : 1);
    }

    // each number as ez-vcard (and so DAVx5) hands it to the phone
    private static List<String> telephones(VCard card) {
        List<String> numbers = new ArrayList<>();
        for (ezvcard.property.Telephone tel : card.getTelephoneNumbers()) {
            numbers.add(tel.getText() != null ? tel.getText() : String.valueOf(tel.getUri()));
        }
        return numbers;
    }

    private static List<String> emailTypes(VCard card) {
        List<String> types = new ArrayList<>();
        for (ezvcard.property.Email email : card.getEmails()) {
            types.add(email.getTypes().toString());
        }
        return types;
    }
}
