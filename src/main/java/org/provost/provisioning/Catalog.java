package org.provost.provisioning;

import java.util.List;

/** The fixed word lists a seeded university is drawn from: schools and departments, names, course topics. */
final class Catalog {
  private Catalog() {}

  /** A school (a root of the department tree) and its departments as {code, name} pairs. */
  record School(String code, String name, List<String[]> departments) {}

  static final List<School> SCHOOLS = List.of(
      new School("ENG", "School of Engineering", List.of(
          d("CS", "Computer Science"), d("EE", "Electrical Engineering"), d("ME", "Mechanical Engineering"),
          d("CE", "Civil Engineering"), d("CHE", "Chemical Engineering"), d("BME", "Biomedical Engineering"),
          d("MSE", "Materials Science"))),
      new School("SCI", "School of Science", List.of(
          d("MATH", "Mathematics"), d("PHYS", "Physics"), d("CHEM", "Chemistry"), d("BIO", "Biology"),
          d("STAT", "Statistics"), d("GEOS", "Earth Sciences"), d("ASTR", "Astronomy"))),
      new School("HUM", "School of Humanities", List.of(
          d("HIST", "History"), d("PHIL", "Philosophy"), d("ENGL", "English"), d("LING", "Linguistics"),
          d("CLAS", "Classics"), d("ARTH", "Art History"), d("MUS", "Music"))),
      new School("SOC", "School of Social Sciences", List.of(
          d("ECON", "Economics"), d("PSYC", "Psychology"), d("SOCI", "Sociology"), d("POLS", "Political Science"),
          d("ANTH", "Anthropology"), d("GEOG", "Geography"))),
      new School("BUS", "School of Business", List.of(
          d("ACCT", "Accounting"), d("FIN", "Finance"), d("MKTG", "Marketing"), d("MGMT", "Management"),
          d("OPS", "Operations"))),
      new School("MED", "School of Medicine", List.of(
          d("ANAT", "Anatomy"), d("PHAR", "Pharmacology"), d("PATH", "Pathology"), d("NEUR", "Neuroscience"),
          d("EPID", "Epidemiology"))),
      new School("LAW", "School of Law", List.of(
          d("CLAW", "Constitutional Law"), d("ILAW", "International Law"), d("CRIM", "Criminal Law"))),
      new School("EDU", "School of Education", List.of(
          d("EDUC", "Education"), d("EDPS", "Educational Psychology"), d("CURR", "Curriculum Studies"))),
      new School("ART", "School of the Arts", List.of(
          d("ARTS", "Studio Art"), d("THEA", "Theatre"), d("FILM", "Film Studies"), d("DANC", "Dance"))));

  static final String[] GIVEN = {
      "Aaliyah", "Adam", "Aiko", "Alejandro", "Amara", "Amelia", "Andrei", "Ananya", "Arjun", "Ava", "Beatriz",
      "Benjamin", "Chen", "Chloe", "Daniel", "Diego", "Elena", "Elijah", "Emma", "Ethan", "Fatima", "Felix",
      "Freya", "Gabriel", "Grace", "Hana", "Hannah", "Hugo", "Ibrahim", "Isabella", "Ivan", "Jack", "James",
      "Jin", "Julia", "Kai", "Kenji", "Laila", "Leon", "Liam", "Lucas", "Lucia", "Maya", "Mateo", "Mei", "Mia",
      "Mohammed", "Nadia", "Noah", "Nora", "Olivia", "Omar", "Oscar", "Priya", "Rafael", "Rohan", "Sakura",
      "Samuel", "Sara", "Sebastian", "Sofia", "Tariq", "Theo", "Valentina", "Wei", "William", "Yara", "Yusuf",
      "Zara", "Zoe"};

  static final String[] FAMILY = {
      "Abe", "Adeyemi", "Ahmed", "Alvarez", "Andersen", "Bauer", "Becker", "Brown", "Chen", "Cohen", "Costa",
      "Das", "Dubois", "Eriksson", "Fernandes", "Fischer", "Garcia", "Gomez", "Gupta", "Haddad", "Hansen",
      "Hernandez", "Ito", "Ivanova", "Jensen", "Johnson", "Kang", "Khan", "Kim", "Kowalski", "Kumar", "Larsen",
      "Lee", "Li", "Lopez", "Martin", "Meyer", "Moreau", "Muller", "Murphy", "Nakamura", "Nguyen", "Novak",
      "Okafor", "Olsen", "Park", "Patel", "Perez", "Petrov", "Rossi", "Sato", "Schmidt", "Silva", "Singh",
      "Smith", "Suzuki", "Tanaka", "Taylor", "Thompson", "Wang", "Williams", "Wilson", "Wong", "Yamamoto",
      "Yilmaz", "Zhang"};

  static final String[] TOPICS = {
      "Foundations", "Methods", "Theory", "Practice", "Laboratory", "Seminar", "Special Topics", "Research Methods",
      "History", "Ethics", "Design", "Analysis", "Systems", "Modelling", "Field Work", "Writing"};

  static final String[] LEVELS = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};

  private static String[] d(String code, String name) {
    return new String[] {code, name};
  }
}
